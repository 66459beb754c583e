//! The headers every response carries (OWASP ASVS 14.4): a content security policy that
//! allows only cws's own stylesheet and images (no script, no inline code, no framing),
//! `nosniff`, no referrer, HSTS when served over HTTPS, and `no-store` on everything but the
//! stylesheet, since pages and downloads hold figures for one person's eyes.

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Adds the security headers to every response.
pub async fn secure(request: Request, next: Next) -> Response {
    let https = request
        .headers()
        .get("x-forwarded-proto")
        .is_some_and(|p| p.as_bytes().eq_ignore_ascii_case(b"https"));
    let shared_asset = request.uri().path().starts_with("/assets/");
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, name, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    set(h, header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::REFERRER_POLICY, "no-referrer");
    if https {
        set(
            h,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    if !shared_asset {
        set(h, header::CACHE_CONTROL, "no-store");
    }
    response
}

/// A request path as logs show it: segments that look like secrets (a password link's
/// token, an upload's token, an API token) are written `{token}`.
pub fn loggable_path(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            let hex = segment.len() >= 24 && segment.bytes().all(|b| b.is_ascii_hexdigit());
            if hex || segment.starts_with("cws_") {
                "{token}"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_never_reach_the_logs() {
        assert_eq!(
            loggable_path("/account/password/0123456789abcdef0123456789abcdef"),
            "/account/password/{token}"
        );
        assert_eq!(
            loggable_path("/areas/318/returns/uploads/0123456789abcdef0123456789abcdef/report.csv"),
            "/areas/318/returns/uploads/{token}/report.csv"
        );
        assert_eq!(
            loggable_path("/areas/E09000027/dashboard/age"),
            "/areas/E09000027/dashboard/age"
        );
    }
}
