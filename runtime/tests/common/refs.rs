//! Reading `refs/<model>.ref.json` into the agreement rule's inputs.

use serde_json::Value;
use webslm::agreement::RefTop;

pub struct Sequence {
    pub name: String,
    pub ids: Vec<u32>,
    pub n_prompt: usize,
    pub numpy: Vec<RefTop>,
    pub numpy_range: Vec<f32>,
    pub llama: Vec<RefTop>,
    pub text: Option<String>,
}

pub struct RefFile {
    pub model_files: Vec<(String, String)>, // (name, sha256)
    pub sequences: Vec<Sequence>,
}

fn tops(v: &Value) -> Vec<RefTop> {
    v["top"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pos| RefTop {
            top: pos.as_array().unwrap().iter().map(|p| (p[0].as_u64().unwrap() as u32, p[1].as_f64().unwrap() as f32)).collect(),
        })
        .collect()
}

pub fn parse(json: &str) -> RefFile {
    let v: Value = serde_json::from_str(json).unwrap();
    let model_files = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["name"].as_str().unwrap().to_string(), f["sha256"].as_str().unwrap().to_string()))
        .collect();
    let sequences = v["sequences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| Sequence {
            name: s["name"].as_str().unwrap().into(),
            ids: s["ids"].as_array().unwrap().iter().map(|x| x.as_u64().unwrap() as u32).collect(),
            n_prompt: s["n_prompt"].as_u64().unwrap() as usize,
            numpy: tops(&s["numpy"]),
            numpy_range: s["numpy_logit_range"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap() as f32).collect(),
            llama: tops(&s["llama_cpp"]),
            text: s["text"].as_str().map(String::from),
        })
        .collect();
    RefFile { model_files, sequences }
}
