//! Typed ids of what the store keeps: an id of one kind cannot be passed where another is
//! wanted. Each is the row's integer id, stored and bound as such on both databases.

macro_rules! id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            sqlx::Type, serde::Serialize, serde::Deserialize,
        )]
        #[sqlx(transparent)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        // The SQLite fast paths (`sqlite_raw`) bind and read ids through rusqlite.
        impl rusqlite::types::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                self.0.to_sql()
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                i64::column_result(value).map($name)
            }
        }

        impl From<$name> for crate::bulk::Cell<'_> {
            fn from(id: $name) -> Self {
                crate::bulk::Cell::Int(Some(id.0))
            }
        }

        // Ids arrive in addresses and form fields as their number.
        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id!(
    /// A local workforce strategy.
    StrategyId
);

id!(
    /// A local authority area (or a joint area) as the store keeps it.
    AreaId
);

id!(
    /// An employer or setting registered in an area.
    OrganisationId
);

id!(
    /// A census collection (one census date).
    CollectionId
);

id!(
    /// One version of an organisation's return in a collection.
    ReturnId
);

id!(
    /// An objective of a strategy.
    ObjectiveId
);

id!(
    /// An action of a strategy's plan.
    ActionId
);

id!(
    /// A risk of a strategy's register.
    RiskId
);

id!(
    /// An entry of a strategy's SWOT or STEEP analysis.
    AnalysisEntryId
);

id!(
    /// A budget holder's line in a strategy's resources.
    BudgetId
);

id!(
    /// A funding stream a strategy draws on.
    FundingStreamId
);

id!(
    /// A line of a strategy's three-year plan.
    PlanLineId
);

id!(
    /// A question an area adds to its strategy's checklist.
    ChecklistQuestionId
);

id!(
    /// A named projection scenario an area keeps.
    ScenarioId
);

id!(
    /// A target an area sets itself or adopts from the national catalogue.
    TargetId
);
