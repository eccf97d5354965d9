//! The workbook module (issue 30): the Excel writer, loaded only when
//! someone asks for a workbook, so the first module and the app never carry
//! it. `scripts/post_build.py` writes its loader, which sets
//! `self.headroomWorkbook` to [`write_workbook`] (src/ui/files/workbook.rs
//! loads it and calls it).

/// The workbook of a plan document: `{ name, bytes }`, or a sentence saying
/// why not.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(js_name = writeWorkbook)]
pub fn write_workbook(document: &str) -> Result<Written, String> {
    headroom::export::plan_workbook(document).map(|(name, bytes)| Written { name, bytes })
}

/// A written workbook: its file name and its bytes.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(getter_with_clone)]
pub struct Written {
    pub name: String,
    pub bytes: Vec<u8>,
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("headroom-workbook is the browser's workbook module: the command line writes workbooks with `headroom forecast --format xlsx`");
    std::process::exit(2);
}
