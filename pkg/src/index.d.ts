// Types of the webslm package: an OpenAI-shaped API over a model running on WebGPU in the page.

export interface EngineOptions {
  /** A GGUF URL, a user-picked File/Blob (streamed, no network), or the file's bytes. */
  model: string | URL | Blob | ArrayBuffer | Uint8Array;
  /** Largest context (prompt + reply) the KV cache holds; capped by the model's own. Default 4096. */
  maxContext?: number;
  /** Called as the file streams in. */
  onProgress?: (bytesDone: number, bytesTotal: number | undefined) => void;
  /** Run the runtime in a dedicated Web Worker (same API; the page never blocks). */
  worker?: boolean;
  /** Where to fetch `webslm_wasm_bg.wasm` from, if not beside the package's JS. */
  wasmUrl?: string | URL;
}

export interface ChatMessage {
  role: "system" | "user" | "assistant" | (string & {});
  content: string;
}

export interface SamplingOptions {
  /** 0 = greedy. Default 1. */
  temperature?: number;
  top_p?: number;
  top_k?: number;
  max_tokens?: number;
  /** Same seed, same request: same tokens. */
  seed?: number;
  stop?: string | string[];
  /** `true` (with `top_logprobs`) or a count: the K highest raw logits per position. */
  logprobs?: boolean | number;
  top_logprobs?: number;
  signal?: AbortSignal;
}

export interface ChatRequest extends SamplingOptions {
  messages: ChatMessage[];
  stream?: boolean;
}

export interface CompletionRequest extends SamplingOptions {
  /** Text, or token ids. */
  prompt: string | number[];
  /** Also return the logits of the prompt's positions. */
  echo?: boolean;
  stream?: boolean;
}

export type FinishReason = "stop" | "length" | "abort";

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface Timings {
  prefill_ms: number;
  prefill_tokens: number;
  decode_ms: number;
  decode_steps: number;
  prefill_tokens_per_s: number;
  decode_tokens_per_s: number;
}

export interface Position {
  /** `[token id, raw logit]`, best first. */
  top: [number, number][];
}

interface ResultBase {
  usage: Usage;
  timings: Timings;
  /** Prompt then generated ids. */
  tokens: number[];
  n_prompt: number;
  /** With `logprobs`: positions[i] predicts tokens[i + 1] (from the first prompt position with `echo`). */
  positions: Position[];
  model: string;
}

export interface ChatCompletion extends ResultBase {
  choices: { index: 0; message: { role: "assistant"; content: string }; finish_reason: FinishReason }[];
}

export interface Completion extends ResultBase {
  choices: { index: 0; text: string; finish_reason: FinishReason }[];
}

export interface ChatCompletionChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  choices: { index: 0; delta: { role?: "assistant"; content?: string }; finish_reason: FinishReason | null }[];
  /** On the last chunk. */
  usage?: Usage;
  timings?: Timings;
}

export interface CompletionChunk {
  id: string;
  object: "text_completion";
  created: number;
  model: string;
  choices: { index: 0; text: string; finish_reason: FinishReason | null }[];
  usage?: Usage;
  timings?: Timings;
}

export interface EngineInfo {
  adapter: string;
  adapter_summary: string;
  model: { name: string | null; architecture: string; n_vocab: number; n_layer: number; n_embd: number; n_head: number; n_kv_head: number; n_ctx_train: number; weight_bytes: number };
  context_length: number;
  has_chat_template: boolean;
}

export interface Engine {
  chat: {
    completions: {
      create(request: ChatRequest & { stream: true }): Promise<AsyncIterable<ChatCompletionChunk>>;
      create(request: ChatRequest & { stream?: false }): Promise<ChatCompletion>;
    };
  };
  completions: {
    create(request: CompletionRequest & { stream: true }): Promise<AsyncIterable<CompletionChunk>>;
    create(request: CompletionRequest & { stream?: false }): Promise<Completion>;
  };
  info(): Promise<EngineInfo>;
  /** Frees the GPU memory now. */
  unload(): Promise<void>;
}

/**
 * Loads a model. Errors are `Error`s whose `name` says what happened: `NoAdapter`, `GgufError`,
 * `UnsupportedModel`, `OutOfGpuMemory`, `NetworkError`, `TokenizerError`, `InvalidRequest`,
 * `Busy` (one request at a time), `DeviceLost`, `GpuError`.
 */
export function createEngine(options: EngineOptions): Promise<Engine>;

/** Loads the wasm module ahead of `createEngine` (optional). */
export function initWasm(wasmUrl?: string | URL): Promise<unknown>;
