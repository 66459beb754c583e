//! Resources and pooling (docs/definitions.md §9: the toolkit's "Resourcing local strategies"): what each budget holder
//! spends on workforce development and offers to a shared pool, the funding streams an area
//! draws on, and a staged three-year financial plan.

use serde::Serialize;

/// A budget holder's workforce-development spend and what it offers to the pool.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Budget {
    pub holder: String,
    pub spend: f64,
    pub pool_offer: f64,
}

/// How an offer to the pool reads: at or below `VERY_LOW_PCT` of the budget suggests little
/// commitment to working together (worth a conversation, not a verdict); at or above
/// `STRONG_PCT` a strong one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Offer {
    VeryLow,
    Moderate,
    Strong,
}

pub const VERY_LOW_PCT: f64 = 5.0;
pub const STRONG_PCT: f64 = 50.0;

impl Budget {
    /// The share of the spend offered to the pool (%); `None` without a spend.
    pub fn offer_pct(&self) -> Option<f64> {
        (self.spend > 0.0).then(|| self.pool_offer / self.spend * 100.0)
    }

    pub fn offer(&self) -> Option<Offer> {
        self.offer_pct().map(|p| {
            if p <= VERY_LOW_PCT {
                Offer::VeryLow
            } else if p >= STRONG_PCT {
                Offer::Strong
            } else {
                Offer::Moderate
            }
        })
    }

    /// Problems with the figures as entered.
    pub fn check(&self) -> Option<String> {
        if self.holder.trim().is_empty() {
            Some("Name the budget holder.".into())
        } else if self.spend < 0.0 || self.pool_offer < 0.0 {
            Some("Spend and offer cannot be negative.".into())
        } else if self.pool_offer > self.spend {
            Some(format!(
                "The offer to the pool (£{:.0}) cannot be more than the spend (£{:.0}).",
                self.pool_offer, self.spend
            ))
        } else {
            None
        }
    }
}

/// Total spend, total offered and the pooled share (%).
pub fn pool_totals(budgets: &[Budget]) -> (f64, f64, Option<f64>) {
    let spend: f64 = budgets.iter().map(|b| b.spend).sum();
    let offer: f64 = budgets.iter().map(|b| b.pool_offer).sum();
    (spend, offer, (spend > 0.0).then(|| offer / spend * 100.0))
}

/// A funding stream in the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FundingStream {
    pub title: String,
    pub provider: String,
    pub purpose: String,
    pub target_groups: String,
    pub link: String,
    pub comments: String,
    /// No longer open: kept as history, left out of the strategy document by default.
    pub closed: bool,
}

/// The catalogue an area starts from: the streams the toolkit listed in 2006 (docs/definitions.md §0).
/// Every one of them has since closed or been replaced (the Learning and Skills Council and
/// Train to Gain ended in 2010–11, the Transformation Fund and the Department of Health's
/// grants were folded into later grants, England's European Social Fund programme ended with
/// its last projects in 2023), so they start closed: history, not offers. An area adds the
/// streams open to it now; the catalogue is the area's to edit.
pub fn starting_catalogue() -> Vec<FundingStream> {
    let s =
        |title: &str, provider: &str, purpose: &str, groups: &str, link: &str, comments: &str| {
            FundingStream {
                title: title.into(),
                provider: provider.into(),
                purpose: purpose.into(),
                target_groups: groups.into(),
                link: link.into(),
                comments: comments.into(),
                closed: true,
            }
        };
    vec![
        s(
            "European Social Fund",
            "European Union",
            "Support the UK employment action plan",
            "Various streams",
            "www.esf.gov.uk",
            "",
        ),
        s(
            "Train to Gain",
            "Learning and Skills Council",
            "Give staff the skills to do their job well",
            "All Level 2 and 3 qualifications",
            "www.traintogain.gov.uk",
            "",
        ),
        s(
            "Learning and Skills Council",
            "Learning and Skills Council",
            "A better-skilled England",
            "Various",
            "www.lsc.gov.uk",
            "Includes further education funding",
        ),
        s(
            "Training Strategy Implementation Fund",
            "Department of Health via Skills for Care",
            "Improve the qualifications of the workforce",
            "Social care workers",
            "www.skillsforcare.org.uk",
            "Induction and NVQs",
        ),
        s(
            "Human Resources Development Strategy Grant",
            "Department of Health to local authorities",
            "Better human resource management in social care",
            "Social care workforce",
            "www.dh.gov.uk",
            "",
        ),
        s(
            "National Training Strategy Grant",
            "Department of Health to local authorities",
            "Train and qualify the social care workforce in all sectors",
            "Social care workers",
            "www.dh.gov.uk",
            "Also trainees, post-qualifying and learning resource network elements",
        ),
        s(
            "Transformation Fund",
            "Department for Education and Skills",
            "Raise the quality of childcare",
            "Under-fives private, voluntary and independent workforce",
            "www.everychildmatters.gov.uk",
            "",
        ),
    ]
}

/// A line of the staged financial plan: in which year of the strategy (1–3), what, how much
/// and from where; `pooled` when it comes from the shared pool.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanLine {
    pub year: u8,
    pub item: String,
    pub amount: f64,
    pub source: String,
    pub pooled: bool,
}

/// The years of a staged plan.
pub const PLAN_YEARS: std::ops::RangeInclusive<u8> = 1..=3;

/// Why a plan line cannot be kept.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanLineError {
    #[error("Choose year 1, 2 or 3 of the strategy.")]
    Year(i64),
    #[error("The amount cannot be negative.")]
    Negative(f64),
}

/// A year of the plan as entered, if it is one of the three.
pub fn plan_year(value: i64) -> Result<u8, PlanLineError> {
    u8::try_from(value)
        .ok()
        .filter(|y| PLAN_YEARS.contains(y))
        .ok_or(PlanLineError::Year(value))
}

/// An amount of a plan line, if it is not negative.
pub fn plan_amount(value: f64) -> Result<f64, PlanLineError> {
    if value < 0.0 {
        Err(PlanLineError::Negative(value))
    } else {
        Ok(value)
    }
}

/// Each year's total and pooled amounts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct YearTotal {
    pub year: u8,
    pub total: f64,
    pub pooled: f64,
}

impl YearTotal {
    pub fn pooled_pct(&self) -> Option<f64> {
        (self.total > 0.0).then(|| self.pooled / self.total * 100.0)
    }
}

pub fn year_totals(lines: &[PlanLine]) -> [YearTotal; 3] {
    let mut out = [1, 2, 3].map(|year| YearTotal {
        year,
        ..YearTotal::default()
    });
    for l in lines.iter().filter(|l| (1..=3).contains(&l.year)) {
        let y = &mut out[l.year as usize - 1];
        y.total += l.amount;
        if l.pooled {
            y.pooled += l.amount;
        }
    }
    out
}

/// A staged plan moves towards pooling: the pooled share should not fall from one year to
/// the next. Returns the years where it does.
pub fn staging_setbacks(totals: &[YearTotal; 3]) -> Vec<u8> {
    totals
        .windows(2)
        .filter_map(|w| match (w[0].pooled_pct(), w[1].pooled_pct()) {
            (Some(a), Some(b)) if b + 1e-9 < a => Some(w[1].year),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_line_is_in_one_of_three_years_and_never_negative() {
        assert_eq!(plan_year(1), Ok(1));
        assert_eq!(plan_year(3), Ok(3));
        assert_eq!(plan_year(4), Err(PlanLineError::Year(4)));
        assert_eq!(plan_year(0), Err(PlanLineError::Year(0)));
        assert_eq!(plan_amount(0.0), Ok(0.0));
        assert_eq!(plan_amount(-1.0), Err(PlanLineError::Negative(-1.0)));
        assert_eq!(
            PlanLineError::Year(4).to_string(),
            "Choose year 1, 2 or 3 of the strategy."
        );
    }

    fn budget(spend: f64, offer: f64) -> Budget {
        Budget {
            holder: "Health visiting (NHS trust)".into(),
            spend,
            pool_offer: offer,
        }
    }

    #[test]
    fn offers_are_flagged_by_their_share() {
        assert_eq!(budget(100_000.0, 5_000.0).offer(), Some(Offer::VeryLow));
        assert_eq!(budget(100_000.0, 5_001.0).offer(), Some(Offer::Moderate));
        assert_eq!(budget(100_000.0, 50_000.0).offer(), Some(Offer::Strong));
        assert_eq!(budget(0.0, 0.0).offer(), None);
        assert!(budget(10.0, 20.0)
            .check()
            .unwrap()
            .contains("cannot be more"));
        let (spend, offer, pct) = pool_totals(&[budget(100.0, 10.0), budget(300.0, 150.0)]);
        assert_eq!((spend, offer), (400.0, 160.0));
        assert_eq!(pct, Some(40.0));
    }

    #[test]
    fn the_plan_totals_by_year_and_spots_a_step_back() {
        let line = |year, amount, pooled| PlanLine {
            year,
            item: "Induction for all sectors".into(),
            amount,
            source: "Pool".into(),
            pooled,
        };
        let lines = [
            line(1, 100.0, false),
            line(1, 20.0, true),
            line(2, 60.0, true),
            line(2, 60.0, false),
            line(3, 10.0, true),
            line(3, 90.0, false),
            line(4, 1.0, true),
        ];
        let t = year_totals(&lines);
        assert_eq!((t[0].total, t[0].pooled), (120.0, 20.0));
        assert_eq!(t[1].pooled_pct(), Some(50.0));
        assert_eq!(staging_setbacks(&t), vec![3]);
        assert_eq!(starting_catalogue().len(), 7);
    }
}
