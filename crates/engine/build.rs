//! Deflates the PDF export's two embedded fonts (DejaVu Sans, about 1.5 MB as TTF files) into
//! the build's output folder, so they take half the room in the app's binary;
//! `export/pdf/fonts.rs` inflates them once, on the first PDF export.

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
        let mut packed =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
        packed.write_all(&ttf)?;
        std::fs::write(out.join(format!("{name}.deflate")), packed.finish()?)?;
    }
    println!("cargo:rerun-if-changed=build.rs");
    Ok(())
}
