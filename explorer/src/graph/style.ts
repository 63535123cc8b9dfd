// Colours and sizes shared by the SVG and canvas renderers.
export const NODE = {
  activity: { w: 156, h: 30 },
  artifact: { w: 150, h: 22 },
  group: { w: 170, h: 36 },
};

export const KIND_FILL: Record<string, string> = {
  agent: '#dbe4ff',
  llm: '#e5dbff',
  tool: '#ffe8cc',
  retrieval: '#d3f9d8',
  approval: '#c3fae8',
  other: '#e9ecef',
  system_instruction: '#f1f3f5',
  user_prompt: '#e7f5ff',
  document: '#fff9db',
  model_output: '#f3f0ff',
  tool_request: '#fff4e6',
  tool_result: '#fff4e6',
  outcome: '#ebfbee',
  group: '#edf2ff',
};

export const COLORS = {
  stroke: '#868e96',
  edge: '#adb5bd',
  cause: '#1c7ed6',
  effect: '#2f9e44',
  seed: '#000000',
  taint: '#e03131',
  untrusted: '#e03131',
  dim: 0.18,
};

export const EDGE_DASH: Record<string, number[]> = { explicit: [], content: [6, 4], structural: [2, 4] };
