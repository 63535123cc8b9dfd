// The redaction engine's vocabulary. Rule ids appear in placeholders
// (`[REDACTED:<rule>:<fingerprint>]`), in each span's redaction report and in the policy file.

export const SECRET_RULES = [
  'aws_access_key_id',
  'aws_secret_access_key',
  'gcp_api_key',
  'gcp_service_account',
  'azure_storage_key',
  'azure_sas_token',
  'github_token',
  'github_fine_grained_pat',
  'gitlab_token',
  'npm_token',
  'pypi_token',
  'slack_token',
  'slack_webhook',
  'stripe_key',
  'twilio_api_key',
  'sendgrid_api_key',
  'mailgun_api_key',
  'datadog_api_key',
  'openai_api_key',
  'anthropic_api_key',
  'huggingface_token',
  'jwt',
  'private_key',
  'url_password',
  'connection_string_password',
  'generic_secret',
] as const;

export const PII_RULES = ['email', 'phone', 'credit_card', 'iban', 'us_ssn', 'national_id', 'ipv4', 'ipv6', 'person_name', 'street_address'] as const;

/** Values under sensitive keys (authorization, cookie, password, …) are replaced whole. */
export const KEY_RULE = 'sensitive_key';

export type BuiltinRuleId = (typeof SECRET_RULES)[number] | (typeof PII_RULES)[number];
export type RuleId = BuiltinRuleId | typeof KEY_RULE | (string & {});

/** One replaced extent of a text: [start, end) in the input string. */
export interface Finding {
  rule: RuleId;
  start: number;
  end: number;
}

export interface TextRedaction {
  /** the text with each finding replaced by its placeholder */
  text: string;
  /** shared between calls on the same text: read only */
  readonly findings: readonly Finding[];
}

export type { RedactionRecord } from '@causeway/schemas';
