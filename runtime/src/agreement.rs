//! The agreement rule of `../shared/fixtures/README.md`: how a runtime's logits are judged against
//! reference logits from exact math (numpy) and from llama.cpp. Used by native and browser tests.

/// The reference's top-k logits at one position, best first.
#[derive(Clone, Debug)]
pub struct RefTop {
    pub top: Vec<(u32, f32)>,
}

/// Thresholds of the rule for one file.
#[derive(Clone, Copy, Debug)]
pub struct Tolerances {
    /// Our argmax must score ≥ llama.cpp's top-1 − `llama_delta` in llama.cpp's logits.
    pub llama_delta: f32,
    /// llama.cpp's top-10 logits must match ours within this.
    pub llama_logit_tol: f32,
    /// Fraction of positions where our argmax equals llama.cpp's.
    pub min_llama_agreement: f32,
}

impl Tolerances {
    /// Rule 2 of the fixtures README: float files, quantized small models, SmolLM2.
    pub fn for_file(is_float: bool, is_smollm2: bool) -> Self {
        match (is_float, is_smollm2) {
            (true, _) => Self { llama_delta: 0.05, llama_logit_tol: 0.03, min_llama_agreement: 0.9 },
            (false, true) => Self { llama_delta: 0.5, llama_logit_tol: 2.0, min_llama_agreement: 0.9 },
            (false, false) => Self { llama_delta: 0.5, llama_logit_tol: 0.6, min_llama_agreement: 0.9 },
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Report {
    pub positions: usize,
    pub llama_agree: usize,
    pub numpy_agree: usize,
    /// Worst |ours − numpy| over numpy's top-10, relative to the position's numpy logit range.
    pub worst_numpy_rel: f32,
    /// Worst |ours − llama.cpp| over llama.cpp's top-10.
    pub worst_llama_abs: f32,
    pub failures: Vec<String>,
}

impl Report {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} positions: top-1 = numpy {}/{}, = llama.cpp {}/{}; max |Δ| vs numpy {:.1e} × range, vs llama.cpp {:.3}; {}",
            self.positions,
            self.numpy_agree,
            self.positions,
            self.llama_agree,
            self.positions,
            self.worst_numpy_rel,
            self.worst_llama_abs,
            match self.failures.len() {
                0 => "PASS".to_string(),
                n @ 1..=5 => format!("FAIL ({n}): {}", self.failures.join("; ")),
                n => format!("FAIL ({n}): {}; …", self.failures[..5].join("; ")),
            }
        )
    }
}

fn argmax(x: &[f32]) -> u32 {
    x.iter().enumerate().fold(0, |b, (i, &v)| if v > x[b] { i } else { b }) as u32
}

/// Judges `ours` (`[positions][n_vocab]`) against both references.
/// `numpy_range[i]` is the numpy logit range (max − min) at position i.
pub fn judge(ours: &[f32], n_vocab: usize, numpy: &[RefTop], numpy_range: &[f32], llama: &[RefTop], tol: Tolerances) -> Report {
    let mut r = Report { positions: numpy.len(), ..Default::default() };
    for (i, row) in ours.chunks(n_vocab).enumerate().take(numpy.len()) {
        let t = argmax(row);
        // Rule 1: exact math. Our argmax is (nearly) numpy's, and numpy's top-10 logits match.
        let (np_top1_id, np_top1) = numpy[i].top[0];
        r.numpy_agree += (t == np_top1_id) as usize;
        match numpy[i].top.iter().find(|(id, _)| *id == t) {
            Some(&(_, logit)) if logit >= np_top1 - 0.05 => {}
            _ => r.failures.push(format!("pos {i}: argmax {t} is not within 0.05 of numpy's top-1 {np_top1_id}")),
        }
        for &(id, logit) in &numpy[i].top {
            let rel = (row[id as usize] - logit).abs() / numpy_range[i];
            r.worst_numpy_rel = r.worst_numpy_rel.max(rel);
            if rel > 3e-3 || rel.is_nan() {
                r.failures.push(format!("pos {i}: logit of {id} is {} vs numpy {logit}", row[id as usize]));
            }
        }
        // Rule 2: llama.cpp.
        let (ll_top1_id, ll_top1) = llama[i].top[0];
        r.llama_agree += (t == ll_top1_id) as usize;
        match llama[i].top.iter().find(|(id, _)| *id == t) {
            Some(&(_, logit)) if logit >= ll_top1 - tol.llama_delta => {}
            _ => r.failures.push(format!("pos {i}: argmax {t} scores below llama.cpp's top-1 {ll_top1_id} − {}", tol.llama_delta)),
        }
        for &(id, logit) in &llama[i].top {
            let d = (row[id as usize] - logit).abs();
            r.worst_llama_abs = r.worst_llama_abs.max(d);
            if d > tol.llama_logit_tol || d.is_nan() {
                r.failures.push(format!("pos {i}: logit of {id} is {} vs llama.cpp {logit}", row[id as usize]));
            }
        }
    }
    r
}

/// The rule's per-file part: teacher-forced top-1 agreement with llama.cpp over all sequences.
pub fn judge_file(reports: &[(String, Report)], tol: Tolerances) -> Report {
    let mut r = Report::default();
    for (_, s) in reports {
        r.positions += s.positions;
        r.llama_agree += s.llama_agree;
        r.numpy_agree += s.numpy_agree;
        r.worst_numpy_rel = r.worst_numpy_rel.max(s.worst_numpy_rel);
        r.worst_llama_abs = r.worst_llama_abs.max(s.worst_llama_abs);
    }
    if (r.llama_agree as f32) < tol.min_llama_agreement * r.positions as f32 {
        r.failures.push(format!("top-1 agreement with llama.cpp {}/{} is below {}", r.llama_agree, r.positions, tol.min_llama_agreement));
    }
    r
}

/// One sequence of a `refs/<model>.ref.json` file.
pub struct RefSequence {
    pub name: String,
    pub ids: Vec<u32>,
    pub n_prompt: usize,
    pub text: Option<String>,
    pub numpy: Vec<RefTop>,
    pub numpy_range: Vec<f32>,
    pub llama: Vec<RefTop>,
}

/// A model file a reference was made from.
pub struct RefModelFile {
    pub name: String,
    pub sha256: String,
    pub size: u64,
}

/// A parsed reference file (format "gguf-logit-ref/1").
pub struct RefFile {
    /// The model's files (one, or each shard of a split model).
    pub files: Vec<RefModelFile>,
    pub sequences: Vec<RefSequence>,
}

impl RefFile {
    pub fn parse(json: &str) -> Result<Self, String> {
        use serde_json::Value;
        let v: Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
        let bad = |what: &str| format!("reference file: bad {what}");
        let tops = |v: &Value| -> Result<Vec<RefTop>, String> {
            v["top"]
                .as_array()
                .ok_or_else(|| bad("top"))?
                .iter()
                .map(|pos| {
                    let top = pos.as_array().ok_or_else(|| bad("top entry"))?.iter().map(|p| {
                        Some((p[0].as_u64()? as u32, p[1].as_f64()? as f32))
                    });
                    top.collect::<Option<Vec<_>>>().map(|top| RefTop { top }).ok_or_else(|| bad("top pair"))
                })
                .collect()
        };
        let nums = |v: &Value| -> Result<Vec<f64>, String> {
            v.as_array().ok_or_else(|| bad("number list"))?.iter().map(|x| x.as_f64().ok_or_else(|| bad("number"))).collect()
        };
        let sequences = v["sequences"]
            .as_array()
            .ok_or_else(|| bad("sequences"))?
            .iter()
            .map(|s| {
                Ok(RefSequence {
                    name: s["name"].as_str().ok_or_else(|| bad("name"))?.into(),
                    ids: nums(&s["ids"])?.into_iter().map(|x| x as u32).collect(),
                    n_prompt: s["n_prompt"].as_u64().ok_or_else(|| bad("n_prompt"))? as usize,
                    text: s["text"].as_str().map(String::from),
                    numpy: tops(&s["numpy"])?,
                    numpy_range: nums(&s["numpy_logit_range"])?.into_iter().map(|x| x as f32).collect(),
                    llama: tops(&s["llama_cpp"])?,
                })
            })
            .collect::<Result<_, String>>()?;
        let files = v["files"]
            .as_array()
            .map(|files| {
                files
                    .iter()
                    .map(|f| {
                        Some(RefModelFile { name: f["name"].as_str()?.into(), sha256: f["sha256"].as_str()?.into(), size: f["size"].as_u64()? })
                    })
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| bad("files"))
            })
            .transpose()?
            .unwrap_or_default();
        Ok(Self { files, sequences })
    }
}

/// Runs every sequence of `reference` through `model` (teacher-forced, one batch per sequence)
/// and judges each with the fixture rule. Returns one report per sequence, then the whole file's.
pub async fn check_model(
    ctx: &crate::GpuContext,
    model: &crate::model::Model,
    reference: &RefFile,
    is_smollm2: bool,
) -> crate::Result<Vec<(String, Report)>> {
    use crate::quant::GgmlType;
    let is_float = model.header.tensors.iter().all(|t| matches!(t.ty, GgmlType::F32 | GgmlType::F16 | GgmlType::BF16));
    let tol = Tolerances::for_file(is_float, is_smollm2);
    let mut reports = Vec::new();
    for seq in &reference.sequences {
        let logits = model.forward(ctx, &seq.ids, 0, crate::model::Logits::All).await?;
        let report = judge(&logits, model.config.n_vocab as usize, &seq.numpy, &seq.numpy_range, &seq.llama, tol);
        reports.push((seq.name.clone(), report));
    }
    let file = judge_file(&reports, tol);
    reports.push(("(file)".to_string(), file));
    Ok(reports)
}
