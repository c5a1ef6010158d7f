// Types of the webslm package: an OpenAI-shaped API over a model running on WebGPU in the page.

export interface LoadProgress {
  /** `download`: from the network (cached and uploaded as it arrives); `cache`: from IndexedDB;
   * `upload`: from a local file; `compile`: building pipelines and the tokenizer. */
  phase: "download" | "cache" | "upload" | "compile";
  /** Model bytes handled so far, and the model's size when known. */
  loaded: number;
  total: number | null;
  /** Bytes per second in the current phase. */
  rate: number;
}

export interface EngineOptions {
  /** A GGUF URL (a gguf-split model's first shard `…-00001-of-0000N.gguf` brings the others), the
   * list of shard URLs, a user-picked File/Blob (streamed, no network), or the file's bytes. */
  model: string | URL | (string | URL)[] | Blob | ArrayBuffer | Uint8Array;
  /** Largest context (prompt + reply) the KV cache holds; capped by the model's own. Default 4096. */
  maxContext?: number;
  /** Called as the model streams in. */
  onProgress?: (progress: LoadProgress) => void;
  /** Keep the model in IndexedDB and load it from there next time (zero network). Default true. */
  cache?: boolean;
  /** Expected sha256 (hex) of the file, or one per shard: a mismatch fails with `IntegrityError`. */
  sha256?: string | string[];
  /** The cache key; default the (first) URL. */
  cacheKey?: string;
  /** Aborts the load (`AbortError`); what was downloaded stays cached and the next load resumes. */
  signal?: AbortSignal;
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
  /** Keep generating past end-of-sequence tokens until `max_tokens` (benchmarks). */
  ignore_eos?: boolean;
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
  /** CPU time per decode step spent recording and submitting GPU work. */
  decode_cpu_ms_per_step: number;
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
  /** Size of the runtime's wasm memory: it never shrinks, so this is its peak so far. */
  wasm_memory_bytes: number;
  /** Milliseconds of the model's load spent handing its weights to the GPU (a browser's page
   * waits there while the GPU process is busy, e.g. compiling the kernels)... */
  load_feed_ms: number;
  /** ...and after its last byte: compiling the kernels not compiled yet, waiting for the GPU.
   * The rest of the load's time was its source's (network, cache, file). */
  load_finish_ms: number;
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
  /** The model cache of this origin (also exported as `cache`). */
  cache: ModelCache;
  info(): Promise<EngineInfo>;
  /**
   * Where a prompt's and `steps` decode steps' GPU time goes, kernel by kernel, timed by the GPU
   * (needs the adapter's `timestamp-query`). A developer's tool: the next request runs its whole
   * prompt again.
   */
  profile(request: { prompt: string | number[]; steps?: number }): Promise<KernelProfile>;
  /** Frees the GPU memory now. */
  unload(): Promise<void>;
}

export interface CachedModel {
  id: string;
  urls: string[];
  /** The model's bytes (null while unknown) and the bytes stored so far. */
  size: number | null;
  stored: number;
  /** Only complete entries are ever served; an incomplete one is resumed by the next load. */
  complete: boolean;
  /** `Date.now()` of the last write. */
  updated: number;
}

export interface ModelCache {
  list(): Promise<CachedModel[]>;
  delete(id: string): Promise<void>;
  clear(): Promise<void>;
  /** `navigator.storage.estimate()`. */
  estimate(): Promise<{ usage: number; quota: number }>;
  /** `navigator.storage.persist()`: whether the browser will keep the cache under pressure. */
  persist(): Promise<boolean>;
}

/** The model cache (IndexedDB), usable before any model is loaded. */
export const cache: ModelCache;

/**
 * Loads a model. Errors are `Error`s whose `name` says what happened: `NoAdapter`, `GgufError`,
 * `UnsupportedModel`, `OutOfGpuMemory`, `NetworkError`, `TokenizerError`, `InvalidRequest`,
 * `Busy` (one request at a time), `DeviceLost`, `GpuError`, `QuotaExceeded` (storage full: names the
 * model's size and the free space), `IntegrityError` (hash mismatch or a corrupt cache entry, which
 * is evicted), `StorageError`, `AbortError`.
 */
export function createEngine(options: EngineOptions): Promise<Engine>;

/** Loads the wasm module ahead of `createEngine` (optional). */
export function initWasm(wasmUrl?: string | URL): Promise<unknown>;

export interface MatmulRate {
  type: string;
  shape: { model: string; tensor: string; n_in: number; n_out: number };
  /** 1: decode's GEMV; more: prefill's GEMM. */
  n_tok: number;
  weight_bytes: number;
  ms: number;
  gb_per_s: number;
  /** A GEMV's: the median of its timings each against a copy timed just before it. */
  pct_of_copy: number;
  /** A GEMV's, against the read kernel likewise (0 for a GEMM). */
  pct_of_read: number;
  gflop_per_s: number;
}

export interface KernelTime {
  /** The kernel's label; "(between kernels)" is the rest of the pass's span. */
  kernel: string;
  calls: number;
  ms: number;
}

export interface KernelProfile {
  adapter: string;
  prompt_tokens: number;
  steps: number;
  /** Most time first. */
  prefill: KernelTime[];
  /** The steps' times added up, most time first. */
  decode: KernelTime[];
}

export interface Roofline {
  adapter: string;
  /** A copy kernel's (read + written) bytes per second: the adapter's practical limit. */
  copy_gb_per_s: number;
  copy_bytes: number;
  /** A read-only kernel's bytes read per second: the most a GEMV's loads allow. */
  read_gb_per_s: number;
  /** Microseconds a dispatch costs besides its work. */
  dispatch_us: number;
  gemv: MatmulRate[];
  gemm: MatmulRate[];
}

/** Measures this adapter's copy and read bandwidth and each quant type's matmul speed. */
export function roofline(): Promise<Roofline>;
