//! Packs the PDF export's two embedded fonts (DejaVu Sans, about 1.5 MB as TTF files) with
//! brotli into the build's output folder, so they take under half the room in the app's
//! binary; `export/pdf/fonts.rs` unpacks them once, on the first PDF export.

use std::error::Error;
use std::io::Write;
use std::path::PathBuf;

const FONTS: [&str; 2] = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"];

fn main() -> Result<(), Box<dyn Error>> {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("cargo sets OUT_DIR")?);
    for name in FONTS {
        let source = format!("src/export/fonts/{name}");
        println!("cargo:rerun-if-changed={source}");
        let ttf = std::fs::read(&source).map_err(|e| format!("read {source}: {e}"))?;
        // Quality 11 with a 4 MB window: the smallest result; it runs only when a font changes.
        let mut packed = brotli::CompressorWriter::new(Vec::new(), 1 << 16, 11, 22);
        packed.write_all(&ttf)?;
        packed.flush()?;
        std::fs::write(out.join(format!("{name}.br")), packed.into_inner())?;
    }
    println!("cargo:rerun-if-changed=build.rs");
    Ok(())
}
