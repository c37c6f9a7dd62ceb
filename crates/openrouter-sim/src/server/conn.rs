//! Per-connection plumbing so a fault can reset the TCP connection (RST, as a dropped
//! upstream or a proxy does) rather than close it politely.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::Notify;

#[derive(Debug, Default)]
struct Inner {
    reset: AtomicBool,
    notify: Notify,
}

/// Given to every request on a connection (as an axum `Extension`).
#[derive(Clone, Debug, Default)]
pub struct ConnHandle(Arc<Inner>);

impl ConnHandle {
    /// Asks the connection's task to drop the connection with a reset.
    pub fn reset(&self) {
        self.0.reset.store(true, Ordering::SeqCst);
        self.0.notify.notify_one();
    }

    pub fn is_reset(&self) -> bool {
        self.0.reset.load(Ordering::SeqCst)
    }

    /// Resolves once [`ConnHandle::reset`] was called.
    pub async fn reset_requested(&self) {
        while !self.is_reset() {
            self.0.notify.notified().await;
        }
    }
}

/// The connection's socket. When it is dropped after a reset was asked for, SO_LINGER 0 makes
/// the close send RST instead of FIN.
pub struct ResetIo {
    inner: TcpStream,
    handle: ConnHandle,
}

impl ResetIo {
    pub fn new(inner: TcpStream, handle: ConnHandle) -> ResetIo {
        ResetIo { inner, handle }
    }
}

impl Drop for ResetIo {
    fn drop(&mut self) {
        if self.handle.is_reset() {
            if let Err(e) = self.inner.set_zero_linger() {
                tracing::debug!(error = %e, "could not arm the connection reset");
            }
        }
    }
}

impl AsyncRead for ResetIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for ResetIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}
