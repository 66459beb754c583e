//! The place a page or API call is about, resolved once from its path: `/areas/{code}/…`,
//! `/regions/{code}/…` or `/england/…` (and the same under `/api`). An unknown code is a 404.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use cws_analyse::panels::Place;
use cws_store::geography;

use crate::{AppState, WebError};

/// The place named by the request's path.
pub struct PlaceInPath(pub Place);

/// The `{code}` of a path, when it has one.
#[derive(serde::Deserialize)]
struct Code {
    code: Option<String>,
}

/// Looks up an area (DfE number or GSS code) or a region (GSS code).
pub(crate) async fn place_for(state: &AppState, kind: Kind, code: &str) -> Result<Place, WebError> {
    match kind {
        Kind::Area => {
            let a = geography::area(&state.db, code).await?.ok_or_else(|| {
                WebError::NotFound(format!("There is no area with the code '{code}'."))
            })?;
            Ok(Place::Area {
                code: a.code,
                name: a.name,
                region_code: a.region_code,
                region_name: a.region_name,
            })
        }
        Kind::Region => {
            let r = geography::regions(&state.db)
                .await?
                .into_iter()
                .find(|r| r.code == code)
                .ok_or_else(|| WebError::NotFound(format!("There is no region '{code}'.")))?;
            Ok(Place::Region {
                code: r.code,
                name: r.name,
            })
        }
        Kind::England => Ok(Place::England),
    }
}

/// Which kind of place a path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Area,
    Region,
    England,
}

impl Kind {
    fn of_path(path: &str) -> Option<Kind> {
        let path = path.strip_prefix("/api").unwrap_or(path);
        if path.starts_with("/areas/") {
            Some(Kind::Area)
        } else if path.starts_with("/regions/") {
            Some(Kind::Region)
        } else if path == "/england" || path.starts_with("/england/") {
            Some(Kind::England)
        } else {
            None
        }
    }
}

impl FromRequestParts<AppState> for PlaceInPath {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let not_a_place = || WebError::NotFound("This address is not about a place.".into());
        let kind = Kind::of_path(parts.uri.path()).ok_or_else(not_a_place)?;
        let Path(Code { code }) = Path::<Code>::from_request_parts(parts, state)
            .await
            .map_err(|_| not_a_place())?;
        let code = match (kind, code) {
            (Kind::England, _) => String::new(),
            (_, Some(code)) => code,
            (_, None) => return Err(not_a_place()),
        };
        Ok(PlaceInPath(place_for(state, kind, &code).await?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_names_its_kind_of_place() {
        assert_eq!(Kind::of_path("/areas/318/dashboard/age"), Some(Kind::Area));
        assert_eq!(
            Kind::of_path("/api/regions/E12000007/figures"),
            Some(Kind::Region)
        );
        assert_eq!(Kind::of_path("/england/dashboard/age"), Some(Kind::England));
        assert_eq!(Kind::of_path("/api/england/figures"), Some(Kind::England));
        assert_eq!(Kind::of_path("/englandish"), None);
        assert_eq!(Kind::of_path("/admin/users"), None);
    }
}
