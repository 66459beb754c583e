//! Return coverage for the area lead: how many organisations have an accepted return, by
//! sector, service and setting type (the private and voluntary sectors are the known gap).

use std::collections::BTreeMap;

use cws_domain::collection::ReturnStatus;
use cws_store::returns::CoverageRow;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    pub code: String,
    pub label: String,
    pub organisations: usize,
    pub returned: usize,
}

impl Group {
    pub fn percent(&self) -> f64 {
        if self.organisations == 0 {
            0.0
        } else {
            self.returned as f64 * 100.0 / self.organisations as f64
        }
    }
}

/// Coverage by sector, service and setting type (in that order), and overall.
pub fn summarise(rows: &[CoverageRow]) -> Vec<(&'static str, Vec<Group>)> {
    let mut out = Vec::new();
    for dimension in ["all", "sector", "service", "setting type"] {
        let mut groups: BTreeMap<&'static str, Group> = BTreeMap::new();
        for r in rows {
            let (code, label) = match dimension {
                "all" => ("all", "All organisations"),
                "sector" => (r.sector.code(), r.sector.label()),
                "service" => (r.service.code(), r.service.label()),
                _ => (r.setting_type.code(), r.setting_type.label()),
            };
            let g = groups.entry(code).or_insert_with(|| Group {
                code: code.to_string(),
                label: label.to_string(),
                organisations: 0,
                returned: 0,
            });
            g.organisations += 1;
            if r.status == ReturnStatus::Accepted {
                g.returned += 1;
            }
        }
        let mut groups: Vec<Group> = groups.into_values().collect();
        // Weakest coverage first: that is where the lead needs to chase.
        groups.sort_by(|a, b| {
            a.percent()
                .total_cmp(&b.percent())
                .then(a.label.cmp(&b.label))
        });
        out.push((dimension, groups));
    }
    out
}
