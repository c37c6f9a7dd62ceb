//! How the window's web page is painted on Linux.
//!
//! WebKitGTK paints pages with Skia, through the GPU by default. On a computer without a GPU
//! (a virtual machine, a remote desktop, a thin client) "the GPU" is Mesa's software
//! emulation of one, and Skia's GPU path then does the same drawing on the processor at several
//! times the cost: measured on such a machine, the first screen took about 150 ms to paint
//! that way and about 55 ms with Skia drawing on the processor directly (BENCHMARKS.md). WebKit
//! chooses its processor renderer when asked through `WEBKIT_SKIA_ENABLE_CPU_RENDERING`, so
//! that is set when there is no GPU to draw with. Elsewhere nothing changes, and a choice
//! the producer made in their own environment always stands.

/// WebKit's switch for drawing pages on the processor.
pub const CPU_RENDERING: &str = "WEBKIT_SKIA_ENABLE_CPU_RENDERING";

/// Which renderer the page gets, for the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// The environment already says (the producer's or their desktop's setting).
    AsConfigured,
    /// A GPU is there: WebKit's default.
    Gpu,
    /// No GPU: drawn on the processor.
    Processor,
}

/// Chooses before the webview exists, which is when WebKit reads the switch. Must run before
/// any other thread starts: it changes the process environment.
#[cfg(target_os = "linux")]
pub fn choose() -> Choice {
    let configured = std::env::var_os(CPU_RENDERING).is_some();
    let software_gl = std::env::var_os("LIBGL_ALWAYS_SOFTWARE").is_some_and(|v| v != "0");
    let choice = decide(
        configured,
        software_gl,
        has_render_node(std::path::Path::new("/dev/dri")),
    );
    if choice == Choice::Processor {
        std::env::set_var(CPU_RENDERING, "1");
    }
    choice
}

/// Other systems paint through their own webview (WKWebView, WebView2): nothing to choose.
#[cfg(not(target_os = "linux"))]
pub fn choose() -> Choice {
    Choice::AsConfigured
}

/// The rule, apart from where its facts come from.
pub fn decide(configured: bool, software_gl: bool, render_node: bool) -> Choice {
    if configured {
        Choice::AsConfigured
    } else if render_node && !software_gl {
        Choice::Gpu
    } else {
        Choice::Processor
    }
}

/// Whether `dri` holds a render node (`renderD128`…): the device a GPU driver offers for
/// drawing. Without one, Mesa can only emulate a GPU in software.
pub fn has_render_node(dri: &std::path::Path) -> bool {
    std::fs::read_dir(dri).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_processor_draws_only_when_there_is_no_gpu_and_no_choice_made() {
        assert_eq!(decide(false, false, true), Choice::Gpu);
        assert_eq!(decide(false, false, false), Choice::Processor);
        // Mesa told to emulate the GPU even though there is one.
        assert_eq!(decide(false, true, true), Choice::Processor);
        // The producer's own setting, either way, is left alone.
        assert_eq!(decide(true, false, false), Choice::AsConfigured);
        assert_eq!(decide(true, true, true), Choice::AsConfigured);
    }

    #[test]
    fn a_render_node_is_found_among_the_devices() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!has_render_node(dir.path()));
        std::fs::write(dir.path().join("card0"), b"").unwrap();
        assert!(!has_render_node(dir.path()));
        std::fs::write(dir.path().join("renderD128"), b"").unwrap();
        assert!(has_render_node(dir.path()));
        assert!(!has_render_node(&dir.path().join("missing")));
    }
}
