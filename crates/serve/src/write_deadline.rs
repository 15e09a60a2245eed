//! [`WriteDeadline`]: a connection whose writes must make progress. A client
//! that stops reading its answers (a slow reader) fills the socket's
//! buffers; the server's next write then waits for it, holding the
//! connection's slot. Wrapped in this, a write (or flush, or shutdown) that
//! makes no progress for the deadline fails with `TimedOut`, and the
//! connection is closed.

use std::future::Future as _;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

/// An I/O stream whose writes fail once they have waited `deadline` without
/// progress.
#[derive(Debug)]
pub struct WriteDeadline<T> {
    inner: T,
    deadline: Duration,
    /// Runs while a write waits; reset by any progress.
    waiting: Option<Pin<Box<Sleep>>>,
}

impl<T> WriteDeadline<T> {
    /// Wraps `inner`.
    pub fn new(inner: T, deadline: Duration) -> Self {
        Self {
            inner,
            deadline,
            waiting: None,
        }
    }

    /// What a write that is not ready becomes: still pending, or `TimedOut`
    /// once it has waited the deadline.
    fn waited<R>(
        &mut self,
        cx: &mut Context<'_>,
        result: Poll<io::Result<R>>,
    ) -> Poll<io::Result<R>> {
        if result.is_ready() {
            self.waiting = None;
            return result;
        }
        let deadline = self.deadline;
        let timer = self
            .waiting
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(deadline)));
        match timer.as_mut().poll(cx) {
            Poll::Ready(()) => {
                self.waiting = None;
                Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!(
                        "the client took none of the answer for {} s",
                        deadline.as_secs_f32()
                    ),
                )))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for WriteDeadline<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for WriteDeadline<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.waited(cx, result)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.waited(cx, result)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let result = Pin::new(&mut self.inner).poll_flush(cx);
        self.waited(cx, result)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let result = Pin::new(&mut self.inner).poll_shutdown(cx);
        self.waited(cx, result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt as _;

    #[tokio::test(start_paused = true)]
    async fn a_write_nobody_takes_fails_after_the_deadline_and_progress_resets_it() {
        // A pipe of 16 bytes that nobody reads.
        let (client, _server) = tokio::io::duplex(16);
        let mut stream = WriteDeadline::new(client, Duration::from_secs(5));
        stream.write_all(&[1; 16]).await.expect("fits the buffer");
        let stuck = stream.write_all(&[2; 16]).await;
        let e = stuck.expect_err("nobody reads");
        assert_eq!(e.kind(), io::ErrorKind::TimedOut);
        assert!(e.to_string().contains("took none of the answer"), "{e}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_but_steady_reader_is_not_cut_off() {
        use tokio::io::AsyncReadExt as _;
        let (client, mut server) = tokio::io::duplex(16);
        let mut stream = WriteDeadline::new(client, Duration::from_secs(5));
        let reader = tokio::spawn(async move {
            let mut got = Vec::new();
            let mut chunk = [0; 8];
            loop {
                // Reads 8 bytes every 4 s: always within the deadline.
                tokio::time::sleep(Duration::from_secs(4)).await;
                match server.read(&mut chunk).await {
                    Ok(0) | Err(_) => break got,
                    Ok(n) => got.extend_from_slice(&chunk[..n]),
                }
            }
        });
        stream
            .write_all(&[7; 64])
            .await
            .expect("every byte is taken in time");
        stream.shutdown().await.expect("closed");
        assert_eq!(reader.await.expect("the reader ran").len(), 64);
    }
}
