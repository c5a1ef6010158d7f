//! The built-in model catalog. SmolLM2 is the default; it is served from this origin's `models/`
//! folder when that has it (the README's demo command serves it), else from its public URL.

pub struct CatalogModel {
    pub name: &'static str,
    pub url: &'static str,
    /// The same file on this origin, tried first.
    pub local: Option<&'static str>,
    pub size_mb: u32,
}

pub const CATALOG: &[CatalogModel] = &[
    CatalogModel {
        name: "SmolLM2 135M Instruct",
        url: "https://huggingface.co/HuggingFaceTB/SmolLM2-135M-Instruct-GGUF/resolve/main/smollm2-135m-instruct-q8_0.gguf",
        local: Some("models/SmolLM2-135M-Instruct.Q4_1.gguf"),
        size_mb: 98,
    },
    CatalogModel {
        name: "Qwen2.5 0.5B Instruct (Q4_K_M)",
        url: "https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/main/qwen2.5-0.5b-instruct-q4_k_m.gguf",
        local: None,
        size_mb: 491,
    },
    CatalogModel {
        name: "Qwen3 0.6B (Q8_0)",
        url: "https://huggingface.co/Qwen/Qwen3-0.6B-GGUF/resolve/main/Qwen3-0.6B-Q8_0.gguf",
        local: None,
        size_mb: 639,
    },
    CatalogModel {
        name: "Gemma 3 1B Instruct (Q4_K_M)",
        url: "https://huggingface.co/ggml-org/gemma-3-1b-it-GGUF/resolve/main/gemma-3-1b-it-Q4_K_M.gguf",
        local: None,
        size_mb: 806,
    },
];
