#!/usr/bin/env node
// `npx causeway <command>`: the TypeScript CLI (collector/src/main.ts) run through tsx, as `npm start` does.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
