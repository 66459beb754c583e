//! Every importer on realistic files: the cws template as CSV (every awkward variant) and
//! XLSX, the census XML of each item set 2021-2025, and a bulk-upload worker file; then the
//! guarantees of storing: atomic, idempotent, versioned.

mod support;

use cws_collect::import::Outcome;
use cws_collect::{read, xlsx};
use cws_domain::collection::Collection;
use cws_store::returns;
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
use support::*;

fn codes(r: &cws_collect::import::ImportReport) -> Vec<&'static str> {
    r.messages.iter().map(|m| m.rule).collect()
}

#[tokio::test]
async fn awkward_csv_files_are_read_the_same_as_clean_ones() {
    for env in envs().await {
        let rows = [
            base_row(),
            row(&[
                ("worker_ref", "Zoë-2"),
                ("role_code", "EY-MANAGER"),
                ("fte", "1"),
            ]),
        ];
        let clean = csv_text(WORKER_HEADER, &rows, ',');
        let reference = env
            .import(&[&env.write("clean.csv", &clean)], &options(true))
            .await;
        assert!(reference.accepted, "{:?}", reference.messages);
        assert_eq!(reference.returns[0].posts, 2);

        // UTF-8 with a byte-order mark; semicolons; tabs; Windows line ends and blank lines
        let variants: Vec<(&str, Vec<u8>)> = vec![
            (
                "bom.csv",
                [b"\xEF\xBB\xBF".as_slice(), clean.as_bytes()].concat(),
            ),
            (
                "semicolon.csv",
                csv_text(WORKER_HEADER, &rows, ';').into_bytes(),
            ),
            ("tab.tsv", csv_text(WORKER_HEADER, &rows, '\t').into_bytes()),
            ("crlf.csv", clean.replace('\n', "\r\n\r\n").into_bytes()),
            // Windows-1252: ë is the single byte 0xEB
            (
                "cp1252.csv",
                clean
                    .replace("Zoë", "Zo\u{1}")
                    .into_bytes()
                    .into_iter()
                    .map(|b| if b == 1 { 0xEB } else { b })
                    .collect(),
            ),
        ];
        for (name, bytes) in variants {
            let r = env
                .import(&[&env.write(name, &bytes)], &options(true))
                .await;
            assert!(r.accepted, "{name}: {:?}", r.messages);
            assert_eq!(r.returns[0].posts, 2, "{name}");
            if name == "cp1252.csv" {
                assert!(
                    codes(&r).contains(&"F07"),
                    "the guessed encoding is reported"
                );
            }
        }
        // Reordered columns, headers in another case with spaces, optional columns missing
        let mut header: Vec<&str> = WORKER_HEADER
            .iter()
            .rev()
            .copied()
            .filter(|h| !h.starts_with("safeguarding"))
            .collect();
        header.retain(|h| *h != "cases_held");
        let text = csv_text(&header, &rows, ',')
            .replacen("worker_ref", "Worker Ref", 1)
            .replacen("role_code", "ROLE CODE", 1);
        let r = env
            .import(&[&env.write("reordered.csv", text)], &options(true))
            .await;
        assert!(r.accepted, "{:?}", r.messages);
        // The same people whatever the form: the dry runs agree on what would be added.
        assert_eq!(r.returns[0].changes, reference.returns[0].changes);
    }
}

#[tokio::test]
async fn xlsx_with_formulas_dates_merged_cells_and_several_sheets() {
    for env in envs().await {
        let mut book = Workbook::new();
        book.add_worksheet()
            .set_name("Notes")
            .unwrap()
            .write_string(0, 0, "Our staff at 30 September")
            .unwrap();
        let s = book.add_worksheet().set_name("Staff list").unwrap();
        s.write_string(0, 0, "Sunshine Nursery: staff return")
            .unwrap();
        let header_row = 2;
        for (c, h) in WORKER_HEADER.iter().enumerate() {
            s.write_string(header_row, c as u16, *h).unwrap();
        }
        let col = |name: &str| WORKER_HEADER.iter().position(|h| *h == name).unwrap() as u16;
        let date = Format::new().set_num_format("dd/mm/yyyy");
        for (i, r) in [
            base_row(),
            row(&[("worker_ref", "W2")]),
            row(&[("worker_ref", "W3")]),
        ]
        .iter()
        .enumerate()
        {
            let rn = header_row + 1 + i as u32;
            for (k, v) in r {
                if *k != "organisation_ref" {
                    s.write_string(rn, col(k), v).unwrap();
                }
            }
            // a real Excel date, a bare serial number, and a formula with its cached result
            s.write_datetime_with_format(
                rn,
                col("start_date"),
                ExcelDateTime::from_ymd(2020, 1, 6).unwrap(),
                &date,
            )
            .unwrap();
            s.write_number(rn, col("vetting_date"), 43831.0).unwrap();
            s.write_formula(rn, col("fte"), Formula::new("=0.4*2").set_result("0.8"))
                .unwrap();
            s.write_number(rn, col("birth_year"), 1990.0).unwrap();
        }
        // the organisation is typed once, in cells merged down the column
        s.merge_range(
            header_row + 1,
            col("organisation_ref"),
            header_row + 3,
            col("organisation_ref"),
            "NURSERY-1",
            &Format::new(),
        )
        .unwrap();
        let v = book.add_worksheet().set_name("Vacancies").unwrap();
        for (c, h) in [
            "organisation_ref",
            "role_code",
            "vacancy_fte",
            "agency_covered_fte",
        ]
        .iter()
        .enumerate()
        {
            v.write_string(0, c as u16, *h).unwrap();
        }
        v.write_string(1, 0, "NURSERY-1").unwrap();
        v.write_string(1, 1, "EY-PRAC3").unwrap();
        v.write_number(1, 2, 1.0).unwrap();
        v.write_number(1, 3, 0.0).unwrap();
        let path = env.write("return.xlsx", book.save_to_buffer().unwrap());
        let r = env.import(&[&path], &options(false)).await;
        assert!(r.accepted, "{:?}", r.messages);
        assert_eq!((r.returns[0].posts, r.returns[0].vacancies), (3, 1));
        // stored as given: dates from a date cell and a serial, FTE from the formula
        let target = cws_collect::import::Target::load(&env.db, "318", Some(d(2025, 9, 30)))
            .await
            .unwrap();
        let org = target
            .organisations
            .values()
            .find(|o| o.reference == "NURSERY-1")
            .unwrap();
        let current = returns::current_return(&env.db, target.collection.id, org.id)
            .await
            .unwrap()
            .unwrap();
        let stored = returns::return_workers(&env.db, current.id).await.unwrap();
        assert!(stored
            .iter()
            .all(|w| w.start_date == Some(d(2020, 1, 6)) && w.vetting_date == Some(d(2020, 1, 1))));
        assert!(stored.iter().all(|w| w.fte.map(|f| f.get()) == Some(0.8)));
    }
}

#[tokio::test]
async fn the_xlsx_template_has_guidance_codes_and_examples_and_imports_when_filled() {
    let roles = cws_reference::roles().unwrap();
    let bytes = xlsx::template(&roles, Some(("NURSERY-1", "Sunshine Nursery"))).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("template.xlsx");
    std::fs::write(&path, &bytes).unwrap();
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["Guidance", "Codes", "Workers", "Vacancies", "Examples"]
    );
    let guidance = book.worksheet_range("Guidance").unwrap();
    let text: Vec<String> = guidance
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect();
    assert!(text.iter().any(|t| t.contains("Sunshine Nursery")));
    for c in cws_collect::template::WORKER_COLUMNS {
        assert!(
            text.iter().any(|t| t == c.name),
            "guidance lists {}",
            c.name
        );
    }
    let codes = book.worksheet_range("Codes").unwrap();
    let all: Vec<String> = codes
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect();
    assert!(
        all.contains(&"SC-SW".to_string())
            && all.contains(&"BAFR".to_string())
            && all.contains(&"Black African".to_string())
    );
    // The drop-downs are real data validations pointing at the Codes sheet.
    let raw = unzip_sheet(&bytes, "xl/worksheets/sheet3.xml");
    assert!(
        raw.contains("<dataValidation") && raw.contains("Codes!$"),
        "Workers sheet has list validations"
    );
    // The template's own sheets are not imported; the examples import when copied to Workers.
    for env in envs().await {
        let r = env.import(&[&path], &options(true)).await;
        assert!(
            !r.accepted && codes_of(&r).contains(&"F01"),
            "an empty template is refused: {:?}",
            r.messages
        );
    }
}

fn codes_of(r: &cws_collect::import::ImportReport) -> Vec<&'static str> {
    codes(r)
}

fn unzip_sheet(bytes: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut f = z.by_name(name).unwrap();
    let mut s = String::new();
    std::io::Read::read_to_string(&mut f, &mut s).unwrap();
    s
}

/// A census XML return in the item set of `year`.
fn census_xml(year: i32, lea: &str, la_block: &str, workers: &[String]) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Message>
  <Header>
    <CollectionDetails>
      <Collection>CSWW</Collection>
      <Year>{year}</Year>
      <ReferenceDate>{year}-09-30</ReferenceDate>
    </CollectionDetails>
    <Source>
      <SourceLevel>L</SourceLevel>
      <LEA>{lea}</LEA>
      <SoftwareCode>HR system &amp; payroll</SoftwareCode>
      <DateTime>{year}-10-14T09:30:00Z</DateTime>
    </Source>
  </Header>
  <{la_block}>
    <NumberOfVacancies>4.5</NumberOfVacancies>
    <NoAgencyFTE>3.0</NoAgencyFTE>
    <NoAgencyHeadcount>3</NoAgencyHeadcount>
  </{la_block}>
{}
</Message>
"#,
        workers.join("\n")
    )
}

fn worker(year: i32, swe: &str, org_role: &str, extra: &str) -> String {
    let sex = if year >= 2024 {
        "<Sex>F</Sex>".to_string()
    } else {
        "<GenderCurrent>2</GenderCurrent>".to_string()
    };
    let by_year = match year {
        2025 => "<BaseSalary>41500</BaseSalary><RRPayments>0</RRPayments>",
        2024 => "<QualInst>University of Kent</QualInst><CFKSSstatus>2</CFKSSstatus>",
        _ => "<QualInst>University of Kent</QualInst><CFKSSstatus>1</CFKSSstatus>",
    };
    format!(
        "  <CSWWWorker><AgencyWorker>0</AgencyWorker><SWENo>{swe}</SWENo><FTE>1.000000</FTE><PersonBirthDate>1985-04-12</PersonBirthDate>{sex}<Ethnicity>BCRB</Ethnicity><QualLevel>1</QualLevel><StepUpGrad>0</StepUpGrad><FrontlineGrad>1</FrontlineGrad><OrgRole>{org_role}</OrgRole><RoleStartDate>2018-02-01</RoleStartDate><StartOrigin>3</StartOrigin><FTE30>1.000000</FTE30><Cases30>16</Cases30><WorkingDaysLost>5.50</WorkingDaysLost><ContractWeeks>52.0</ContractWeeks><Absat30Sept>0</Absat30Sept>{by_year}{extra}</CSWWWorker>"
    )
}

#[tokio::test]
async fn census_xml_of_every_item_set_2021_to_2025() {
    for env in envs().await {
        for year in 2021..=2023 {
            returns::create_collection(&env.db, &Collection::default_for_year(year).unwrap())
                .await
                .unwrap();
        }
        for year in 2021..=2025 {
            let block = if year == 2025 {
                "LALevel"
            } else {
                "LALevelVacancies"
            };
            let leaver = format!("<RoleEndDate>{year}-06-30</RoleEndDate><LeaverDestination>1</LeaverDestination><ReasonLeave>1</ReasonLeave>");
            let workers = vec![
                worker(year, "SW10001", "5", ""),
                worker(year, "SW10002", "3", ""),
                worker(year, "SW10003", "5", &leaver),
                "  <CSWWWorker><AgencyWorker>1</AgencyWorker><SWENo>SW99001</SWENo><FTE>1</FTE></CSWWWorker>".to_string(),
            ];
            let path = env.write(
                &format!("csww{year}.xml"),
                census_xml(year, "318", block, &workers),
            );
            let mut opts = options(false);
            opts.organisation = Some("LA-CSC".into());
            opts.census = Some(d(year, 9, 30));
            let r = env.import(&[&path], &opts).await;
            assert!(r.accepted, "{year}: {:?}", r.messages);
            let o = &r.returns[0];
            assert_eq!((o.posts, o.vacancies), (4, 1), "{year}");

            // the same item set with another year's element is refused, naming it
            let wrong = if year >= 2024 {
                "<GenderCurrent>2</GenderCurrent>"
            } else {
                "<Sex>F</Sex>"
            };
            let bad = census_xml(year, "318", block, &[worker(year, "SW10001", "5", wrong)]);
            let r = env.import(&[&env.write("bad.xml", bad)], &opts).await;
            let m = r
                .messages
                .iter()
                .find(|m| m.rule == "F09")
                .unwrap_or_else(|| panic!("{year}: {:?}", r.messages));
            assert!(m.row.is_some() && m.column.is_some(), "{m:?}");
            assert!(!r.accepted);
        }
        let mut opts = options(true);
        opts.organisation = Some("LA-CSC".into());
        // F10: another LA's return
        let r = env
            .import(
                &[&env.write(
                    "other.xml",
                    census_xml(2025, "202", "LALevel", &[worker(2025, "SW1", "5", "")]),
                )],
                &opts,
            )
            .await;
        assert!(codes(&r).contains(&"F10") && !r.accepted);
        // F09: the wrong LA block for the year, and a year outside 2021-2025
        let r = env
            .import(
                &[&env.write(
                    "block.xml",
                    census_xml(
                        2025,
                        "318",
                        "LALevelVacancies",
                        &[worker(2025, "SW1", "5", "")],
                    ),
                )],
                &opts,
            )
            .await;
        assert!(codes(&r).contains(&"F09"));
        let mut y2019 = opts.clone();
        y2019.census = Some(d(2025, 9, 30));
        let r = env
            .import(
                &[&env.write(
                    "old.xml",
                    census_xml(
                        2019,
                        "318",
                        "LALevelVacancies",
                        &[worker(2019, "SW1", "5", "")],
                    ),
                )],
                &y2019,
            )
            .await;
        assert!(codes(&r).contains(&"F09"));
        // the census's own rules: a non-agency worker without a birth date or ethnicity
        let missing = worker(2025, "SW2", "5", "")
            .replace("<PersonBirthDate>1985-04-12</PersonBirthDate>", "")
            .replace("<Ethnicity>BCRB</Ethnicity>", "");
        let r = env
            .import(
                &[&env.write(
                    "missing.xml",
                    census_xml(2025, "318", "LALevel", &[missing]),
                )],
                &opts,
            )
            .await;
        let cols: Vec<_> = r
            .messages
            .iter()
            .filter(|m| m.rule == "R01")
            .filter_map(|m| m.column.as_deref())
            .collect();
        assert!(
            cols.contains(&"PersonBirthDate") && cols.contains(&"Ethnicity"),
            "{cols:?}"
        );
        // broken XML is a clear message with a line, not a panic
        let r = env
            .import(
                &[&env.write(
                    "broken.xml",
                    "<?xml version=\"1.0\"?>\n<Message>\n<Header></Message>",
                )],
                &opts,
            )
            .await;
        assert!(codes(&r).contains(&"F15"), "{:?}", r.messages);
    }
}

#[tokio::test]
async fn census_xml_values_must_match_the_item_set_s_types() {
    for env in envs().await {
        let mut opts = options(true);
        opts.organisation = Some("LA-CSC".into());
        let one = |name: &str, xml: String| env.write(name, xml);
        // a birth date written as DfE's collection would refuse it
        let w = worker(2025, "SW1", "5", "").replace(
            "<PersonBirthDate>1985-04-12</PersonBirthDate>",
            "<PersonBirthDate>05/05/1980</PersonBirthDate>",
        );
        let r = env
            .import(
                &[&one("date.xml", census_xml(2025, "318", "LALevel", &[w]))],
                &opts,
            )
            .await;
        let m = r
            .messages
            .iter()
            .find(|m| m.rule == "R03")
            .unwrap_or_else(|| panic!("{:?}", r.messages));
        assert_eq!(m.column.as_deref(), Some("PersonBirthDate"));
        assert_eq!(m.value.as_deref(), Some("05/05/1980"));
        assert!(m.row.is_some() && m.text.contains("YYYY-MM-DD"), "{m:?}");
        assert!(!r.accepted);
        // numbers that are not decimals: refused by name, not stored as "no FTE"
        for (bad, element) in [("abc", "FTE30"), ("NaN", "FTE30"), ("1e-1", "FTE30")] {
            let w = worker(2025, "SW1", "5", "")
                .replace("<FTE30>1.000000</FTE30>", &format!("<FTE30>{bad}</FTE30>"));
            let r = env
                .import(
                    &[&one("fte.xml", census_xml(2025, "318", "LALevel", &[w]))],
                    &opts,
                )
                .await;
            assert!(
                r.messages.iter().any(|m| m.rule == "R04"
                    && m.column.as_deref() == Some(element)
                    && m.value.as_deref() == Some(bad)),
                "{bad}: {:?}",
                r.messages
            );
            assert!(!r.accepted);
        }
        // an in-post FTE30 of 0 or -1 goes to the template's range rule
        for bad in ["0", "-1"] {
            let w = worker(2025, "SW1", "5", "")
                .replace("<FTE30>1.000000</FTE30>", &format!("<FTE30>{bad}</FTE30>"));
            let r = env
                .import(
                    &[&one("fte.xml", census_xml(2025, "318", "LALevel", &[w]))],
                    &opts,
                )
                .await;
            assert!(!r.accepted, "{bad}: {:?}", r.messages);
        }
        // the LA block's numbers: finite decimals of 0 or more
        for (element, bad) in [
            ("NumberOfVacancies", "1e309"),
            ("NumberOfVacancies", "NaN"),
            ("NumberOfVacancies", "-2"),
            ("NoAgencyFTE", "NaN"),
        ] {
            let xml = census_xml(2025, "318", "LALevel", &[worker(2025, "SW1", "5", "")]).replace(
                if element == "NoAgencyFTE" {
                    "<NoAgencyFTE>3.0</NoAgencyFTE>"
                } else {
                    "<NumberOfVacancies>4.5</NumberOfVacancies>"
                },
                &format!("<{element}>{bad}</{element}>"),
            );
            let r = env.import(&[&one("block.xml", xml)], &opts).await;
            assert!(
                r.messages.iter().any(|m| m.rule == "R04"
                    && m.column.as_deref() == Some(element)
                    && m.value.as_deref() == Some(bad)
                    && m.row.is_some()),
                "{element} {bad}: {:?}",
                r.messages
            );
            assert!(!r.accepted, "{element} {bad}");
        }
    }
}

#[tokio::test]
async fn a_census_return_without_an_organisation_is_the_area_s_social_care() {
    for env in envs().await {
        // LA-CSC, the council's social work team, is registered: it is the one
        let mut opts = options(true);
        opts.organisation = None;
        let xml = census_xml(2025, "318", "LALevel", &[worker(2025, "SW1", "5", "")]);
        let r = env
            .import(&[&env.write("csww.xml", xml.clone())], &opts)
            .await;
        assert!(r.accepted, "{:?}", r.messages);
        assert_eq!(r.returns[0].organisation, "LA-CSC");
        assert!(
            r.messages
                .iter()
                .any(|m| m.rule == "F12" && m.text.contains("LA-CSC")),
            "{:?}",
            r.messages
        );
        // an area with no social care organisation: registered on the first import
        let mut kingston = options(false);
        kingston.area = "314".into();
        kingston.organisation = None;
        let xml = census_xml(2025, "314", "LALevel", &[worker(2025, "SW1", "5", "")]);
        let r = env
            .import(&[&env.write("csww314.xml", xml)], &kingston)
            .await;
        assert!(r.accepted, "{:?}", r.messages);
        assert!(
            r.messages
                .iter()
                .any(|m| m.rule == "F12" && m.text.contains("is now registered")),
            "{:?}",
            r.messages
        );
        let area = cws_store::geography::area(&env.db, "314")
            .await
            .unwrap()
            .unwrap();
        let orgs = returns::organisations(&env.db, area.id).await.unwrap();
        assert_eq!(orgs.len(), 1);
        assert_eq!(orgs[0].reference, "LA-CSC");
    }
}

#[tokio::test]
async fn bulk_upload_worker_files_map_codes_and_query_the_rest() {
    for env in envs().await {
        let header = "LOCALESTID,UNIQUEWORKERID,CHGUNIQUEWRKID,STATUS,DISPLAYID,NINUMBER,POSTCODE,DOB,GENDER,ETHNICITY,NATIONALITY,BRITISHCITIZENSHIP,COUNTRYOFBIRTH,YEAROFENTRY,DISABLED,CARECERT,L2CARECERT,RECSOURCE,HANDCVISA,INOUTUK,STARTDATE,STARTINSECT,APPRENTICE,EMPLSTATUS,ZEROHRCONT,DAYSSICK,SALARYINT,SALARY,HOURLYRATE,MAINJOBROLE,MAINJRDESC,CONTHOURS,AVGHOURS,NMCREG,NURSESPEC,AMHP,SCQUAL,NONSCQUAL,QUALACH01,QUALACH01NOTES";
        let line = |id: &str, gender: &str, eth: &str, status: &str, role: &str, hours: &str| {
            format!("HOME-1,{id},,{status},,,,14/03/1988,{gender},{eth},826,1,826,,0,1,,,,,01/06/2019,2015,2,1,2,4,1,24000,,{role},,{hours},,,,,1;3,2,,")
        };
        let text = [
            header.to_string(),
            line("CW1", "2", "44", "NEW", "8", "37.5"),
            line("CW2", "1", "31", "UPDATE", "7", "18.5"),
            line("MGR", "2", "39", "UNCHECKED", "4", "37"),
            line("GONE", "2", "31", "DELETE", "8", "37"),
            line("ODD", "7", "55", "NEW", "8", "30"),
            line("ADMIN", "2", "31", "NEW", "25", "20"),
        ]
        .join("\n");
        let path = env.write("workers_bulk.csv", text);
        let mut opts = options(false);
        opts.organisation = Some("HOME-1".into());
        let r = env.import(&[&path], &opts).await;
        // unmappable gender, ethnicity and an admin post are queries: not accepted yet
        let queries: Vec<_> = r.messages.iter().filter(|m| m.rule == "B01").collect();
        assert_eq!(queries.len(), 3, "{:?}", r.messages);
        assert!(queries
            .iter()
            .any(|m| m.column.as_deref() == Some("MAINJOBROLE") && m.text.contains("not stored")));
        assert_eq!(r.returns[0].outcome, Outcome::AwaitingExplanations);
        // explained, the return is stored: five posts (DELETE and the admin post left out)
        opts.explanations.all =
            Some("Checked with the home manager: codes are as recorded in ASC-WDS.".into());
        let r = env.import(&[&path], &opts).await;
        assert!(r.accepted, "{:?}", r.messages);
        assert_eq!(r.returns[0].posts, 4);
        let target = cws_collect::import::Target::load(&env.db, "318", Some(d(2025, 9, 30)))
            .await
            .unwrap();
        let org = target
            .organisations
            .values()
            .find(|o| o.reference == "HOME-1")
            .unwrap();
        let cur = returns::current_return(&env.db, target.collection.id, org.id)
            .await
            .unwrap()
            .unwrap();
        let stored = returns::return_workers(&env.db, cur.id).await.unwrap();
        let odd = stored
            .iter()
            .find(|w| w.ethnicity.code() == "NOBT")
            .unwrap();
        assert_eq!(
            odd.sex.code(),
            "U",
            "unmappable values are recorded as not known"
        );
        assert!(stored
            .iter()
            .any(|w| w.role.as_str() == "SC-RESI-MGR" && w.fte.map(|f| f.get()) == Some(1.0)));
        assert!(stored
            .iter()
            .any(|w| (w.fte.map(|f| f.get()).unwrap_or(0.0) - 0.5).abs() < 1e-9));
        let explained = returns::accepted_queries(&env.db, cur.id).await.unwrap();
        assert_eq!(explained.len(), 3);
        assert!(explained.iter().all(|q| q.explanation.contains("ASC-WDS")));
    }
}

#[tokio::test]
async fn imports_are_atomic_idempotent_and_versioned() {
    for env in envs().await {
        let v1 = env.write(
            "v1.csv",
            csv_text(
                WORKER_HEADER,
                &[base_row(), row(&[("worker_ref", "W2")])],
                ',',
            ),
        );
        let r = env.import(&[&v1], &options(false)).await;
        assert!(
            r.accepted
                && r.returns[0].outcome == Outcome::Accepted
                && r.returns[0].version == Some(1)
        );
        assert_eq!(r.returns[0].changes.posts_added, 2);

        // the same content again, rows in another order: nothing changes
        let same = env.write(
            "same.csv",
            csv_text(
                WORKER_HEADER,
                &[row(&[("worker_ref", "W2")]), base_row()],
                ',',
            ),
        );
        let r = env.import(&[&same], &options(false)).await;
        assert_eq!(r.returns[0].outcome, Outcome::Unchanged);
        assert_eq!(r.returns[0].version, Some(1));

        // a return with errors stores nothing and keeps the accepted data
        let bad = env.write(
            "bad.csv",
            csv_text(
                WORKER_HEADER,
                &[base_row(), row(&[("worker_ref", "W3"), ("fte", "2")])],
                ',',
            ),
        );
        let r = env.import(&[&bad], &options(false)).await;
        assert_eq!(r.returns[0].outcome, Outcome::BlockedByErrors);

        // a failure inside the commit (a role the database refuses) leaves version 1 intact
        let target = cws_collect::import::Target::load(&env.db, "318", Some(d(2025, 9, 30)))
            .await
            .unwrap();
        let org = target
            .organisations
            .values()
            .find(|o| o.reference == "NURSERY-1")
            .unwrap()
            .clone();
        let before = returns::current_return(&env.db, target.collection.id, org.id)
            .await
            .unwrap()
            .unwrap();
        let mut workers = returns::return_workers(&env.db, before.id).await.unwrap();
        let mut broken = workers[0].clone();
        broken.role = cws_domain::role::RoleCode::parse("NOT-A-ROLE").unwrap();
        workers.push(broken);
        let failed = returns::commit_return(
            &env.db,
            &returns::NewReturn {
                submitted_by: None,
                collection_id: target.collection.id,
                organisation_id: org.id,
                source: "injected",
                content_digest: "x",
                workers: &workers,
                vacancies: &[],
                queries: &[],
            },
        )
        .await;
        assert!(failed.is_err());
        let after = returns::current_return(&env.db, target.collection.id, org.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(after, before);
        assert_eq!(
            returns::return_workers(&env.db, after.id)
                .await
                .unwrap()
                .len(),
            2
        );
        assert_eq!(
            returns::history(&env.db, target.collection.id, org.id)
                .await
                .unwrap()
                .len(),
            1
        );

        // a real change: one person leaves, one joins, one changes; version 2 supersedes 1
        let v2 = env.write(
            "v2.csv",
            csv_text(
                WORKER_HEADER,
                &[row(&[("fte", "0.6")]), row(&[("worker_ref", "W4")])],
                ',',
            ),
        );
        let dry = env.import(&[&v2], &options(true)).await;
        assert_eq!(dry.returns[0].outcome, Outcome::WouldBeAccepted);
        let c = dry.returns[0].changes;
        assert_eq!(
            (
                c.posts_added,
                c.posts_changed,
                c.posts_removed,
                c.posts_unchanged
            ),
            (1, 1, 1, 0)
        );
        let r = env.import(&[&v2], &options(false)).await;
        assert_eq!(
            (r.returns[0].outcome, r.returns[0].version),
            (Outcome::Accepted, Some(2))
        );
        let history = returns::history(&env.db, target.collection.id, org.id)
            .await
            .unwrap();
        assert_eq!(
            history
                .iter()
                .map(|h| (h.version, h.is_current))
                .collect::<Vec<_>>(),
            vec![(2, true), (1, false)]
        );
        assert_eq!(
            returns::return_workers(&env.db, history[1].id)
                .await
                .unwrap()
                .len(),
            2,
            "version 1 is kept whole"
        );

        // F11: a later submission without vacancy rows keeps the vacancies held
        let vac = env.write(
            "vac.csv",
            "organisation_ref,role_code,vacancy_fte,agency_covered_fte\nNURSERY-1,EY-PRAC3,1,0\n",
        );
        assert!(env.import(&[&v2, &vac], &options(false)).await.accepted);
        let r = env.import(&[&v2], &options(false)).await;
        assert!(codes(&r).contains(&"F11"));
        assert_eq!(r.returns[0].outcome, Outcome::Unchanged);

        // coverage: NURSERY-1 accepted, the others not started
        let cov = returns::coverage(&env.db, target.area_id, target.collection.id)
            .await
            .unwrap();
        let status: Vec<_> = cov
            .iter()
            .map(|c| (c.reference.as_str(), c.status.code()))
            .collect();
        assert!(
            status.contains(&("NURSERY-1", "accepted"))
                && status.contains(&("HOME-1", "not_started")),
            "{status:?}"
        );
    }
}

#[test]
fn dates_in_every_common_form() {
    use cws_collect::rows::parse_date;
    for s in [
        "2024-09-01",
        "01/09/2024",
        "1/9/2024",
        "01-09-2024",
        "01.09.2024",
        "2024/09/01",
        "2024-09-01T00:00:00",
        "45536",
    ] {
        assert_eq!(parse_date(s), Some(d(2024, 9, 1)), "{s}");
    }
    for s in [
        "",
        "2024-02-30",
        "31/31/2024",
        "yesterday",
        "12",
        "1899-01-01",
    ] {
        assert_eq!(parse_date(s), None, "{s}");
    }
    assert_eq!(read::header_key("Date of Birth"), "date_of_birth");
}

#[tokio::test]
async fn a_bulk_import_refuses_a_role_the_database_does_not_hold_before_storing_it() {
    // Bulk imports store posts without SQLite checking foreign keys row by row; the role codes
    // they accept are those the database holds, so a catalogue role missing from the database
    // is refused by rule R05, not stored without its role.
    for env in envs().await {
        let cws_store::Db::Sqlite(pools) = &env.db else {
            continue; // the foreign keys are only set aside on SQLite
        };
        let mut c = pools.write.acquire().await.unwrap();
        sqlx::query("PRAGMA foreign_keys = OFF")
            .execute(&mut *c)
            .await
            .unwrap();
        sqlx::query("DELETE FROM role WHERE code = 'EY-PRAC3'")
            .execute(&mut *c)
            .await
            .unwrap();
        sqlx::query("PRAGMA foreign_keys = ON")
            .execute(&mut *c)
            .await
            .unwrap();
        drop(c);
        let file = env.write(
            "nursery.csv",
            csv_text(
                WORKER_HEADER,
                &[
                    base_row(),
                    row(&[("worker_ref", "W2"), ("role_code", "EY-MGR")]),
                ],
                ',',
            ),
        );
        let mut reports = Vec::new();
        cws_collect::import::import_bulk(
            &env.db,
            &env.pseudo,
            vec![cws_collect::import::BulkArea {
                area: "318".into(),
                files: vec![("NURSERY-1".into(), file)],
                vacancies_file: None,
            }],
            &options(false),
            &mut |r| reports.push(r),
        )
        .await
        .unwrap();
        assert_eq!(reports.len(), 1);
        assert_eq!(reports[0].returns[0].outcome, Outcome::BlockedByErrors);
        assert!(
            reports[0]
                .messages
                .iter()
                .any(|m| m.rule == "R05" && m.value.as_deref() == Some("EY-PRAC3")),
            "{:?}",
            reports[0].messages
        );
        let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM worker")
            .fetch_one(&pools.read)
            .await
            .unwrap();
        assert_eq!(stored, 0);
        // and the writer checks foreign keys again afterwards
        let on: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(&pools.write)
            .await
            .unwrap();
        assert_eq!(on, 1);
    }
}

/// The posts held for an organisation's current 2025 return.
async fn held_posts(env: &Env, reference: &str) -> usize {
    let target = cws_collect::import::Target::load(&env.db, "318", Some(d(2025, 9, 30)))
        .await
        .unwrap();
    let org = target
        .organisations
        .values()
        .find(|o| o.reference == reference)
        .unwrap()
        .clone();
    match returns::current_return(&env.db, target.collection.id, org.id)
        .await
        .unwrap()
    {
        Some(r) => returns::return_workers(&env.db, r.id).await.unwrap().len(),
        None => 0,
    }
}

#[tokio::test]
async fn no_import_turns_a_return_empty_without_saying_so() {
    for env in envs().await {
        let posts = env.write(
            "posts.csv",
            csv_text(
                WORKER_HEADER,
                &[base_row(), row(&[("worker_ref", "W2")])],
                ',',
            ),
        );
        assert!(env.import(&[&posts], &options(false)).await.accepted);
        assert_eq!(held_posts(&env, "NURSERY-1").await, 2);

        // a vacancies file alone: the posts held are kept, and the report says so
        let vacancies = env.write(
            "vacancies.csv",
            "organisation_ref,role_code,vacancy_fte,agency_covered_fte\nNURSERY-1,EY-PRAC3,1.5,0\n",
        );
        let r = env.import(&[&vacancies], &options(false)).await;
        assert!(r.accepted, "{:?}", r.messages);
        assert!(codes(&r).contains(&"F13"), "{:?}", r.messages);
        assert_eq!(r.returns[0].changes.posts_removed, 0);
        assert_eq!(r.returns[0].vacancies, 1);
        assert_eq!(held_posts(&env, "NURSERY-1").await, 2);

        // a worker file with its header and no rows: refused, nothing removed
        let empty = env.write("empty.csv", format!("{}\n", WORKER_HEADER.join(",")));
        for dry_run in [true, false] {
            let r = env.import(&[&empty], &options(dry_run)).await;
            assert!(!r.accepted, "dry run {dry_run}: {:?}", r.messages);
            assert!(
                codes(&r).contains(&"F01") || codes(&r).contains(&"F14"),
                "{:?}",
                r.messages
            );
        }
        // an empty worker sheet sent with vacancies (a workbook whose Workers sheet was
        // cleared): refused as an empty return, in a dry run and for real alike
        for dry_run in [true, false] {
            let r = env.import(&[&empty, &vacancies], &options(dry_run)).await;
            assert!(!r.accepted, "dry run {dry_run}: {:?}", r.messages);
            let m = r
                .messages
                .iter()
                .find(|m| m.rule == "F14")
                .unwrap_or_else(|| panic!("{:?}", r.messages));
            assert!(m.text.contains("2 posts are held"), "{m:?}");
        }
        assert_eq!(held_posts(&env, "NURSERY-1").await, 2);

        // an implausible vacancy: over the bound is an error, out of proportion a query
        let huge = env.write(
            "huge.csv",
            "organisation_ref,role_code,vacancy_fte,agency_covered_fte\nNURSERY-1,EY-PRAC3,1e308,0\n",
        );
        let r = env.import(&[&huge], &options(true)).await;
        assert!(
            r.messages
                .iter()
                .any(|m| m.rule == "R04" && m.column.as_deref() == Some("vacancy_fte")),
            "{:?}",
            r.messages
        );
        assert!(!r.accepted);
        let many = env.write(
            "many.csv",
            "organisation_ref,role_code,vacancy_fte,agency_covered_fte\nNURSERY-1,EY-PRAC3,45,0\n",
        );
        let r = env.import(&[&many], &options(true)).await;
        assert!(codes(&r).contains(&"X05"), "{:?}", r.messages);
        assert_eq!(held_posts(&env, "NURSERY-1").await, 2);
    }
}

#[tokio::test]
async fn a_census_xml_must_be_whole_with_one_header_and_one_la_block() {
    for env in envs().await {
        let mut opts = options(true);
        opts.organisation = Some("LA-CSC".into());
        let whole = census_xml(
            2025,
            "318",
            "LALevel",
            &[
                worker(2025, "SW1", "5", ""),
                worker(2025, "SW2", "5", ""),
                worker(2025, "SW3", "4", ""),
            ],
        );
        let r = env.import(&[&env.write("whole.xml", &whole)], &opts).await;
        assert!(r.accepted, "{:?}", r.messages);
        let refused = |rule: &'static str, text: &'static str, xml: String| {
            let env = &env;
            let opts = &opts;
            async move {
                let r = env.import(&[&env.write("bad.xml", xml)], opts).await;
                assert!(!r.accepted, "{text}");
                let m = r
                    .messages
                    .iter()
                    .find(|m| m.rule == rule)
                    .unwrap_or_else(|| panic!("{text}: {:?}", r.messages));
                assert!(m.text.contains(text), "{m:?}");
            }
        };
        // cut short after the second worker (elements left open), or inside a tag
        let third = whole
            .find("  <CSWWWorker><AgencyWorker>0</AgencyWorker><SWENo>SW3")
            .unwrap();
        refused("F15", "cut short", whole[..third].to_string()).await;
        refused("F15", "not well formed", whole[..third + 40].to_string()).await;
        // two returns joined
        refused(
            "F15",
            "after the return's root element",
            format!("{whole}{whole}"),
        )
        .await;
        // a second LEA in the header, a second LA block
        refused(
            "F15",
            "second <LEA>",
            whole.replace("<LEA>318</LEA>", "<LEA>318</LEA><LEA>314</LEA>"),
        )
        .await;
        refused(
            "F15",
            "second LA block",
            whole.replace(
                "</LALevel>",
                "</LALevel><LALevel><NumberOfVacancies>1</NumberOfVacancies></LALevel>",
            ),
        )
        .await;
        // the reference date: missing, empty, not a date, not the census date
        for bad in ["", "9999-99-99", "garbage", "2025-9-30"] {
            refused(
                "F09",
                "ReferenceDate",
                whole.replace(
                    "<ReferenceDate>2025-09-30</ReferenceDate>",
                    &format!("<ReferenceDate>{bad}</ReferenceDate>"),
                ),
            )
            .await;
        }
        refused(
            "F09",
            "ReferenceDate",
            whole.replace("<ReferenceDate>2025-09-30</ReferenceDate>", ""),
        )
        .await;
        refused(
            "F09",
            "census date",
            whole.replace(
                "<ReferenceDate>2025-09-30</ReferenceDate>",
                "<ReferenceDate>2024-09-30</ReferenceDate>",
            ),
        )
        .await;
    }
}

/// Found by the fuzz test: one organisation written in two cases in one file was read as two
/// returns for it, and storing them failed with a database error after a dry run had passed.
#[tokio::test]
async fn one_organisation_written_in_two_cases_is_one_return() {
    for env in envs().await {
        let path = env.write(
            "nursery.csv",
            csv_text(
                WORKER_HEADER,
                &[
                    base_row(),
                    row(&[("worker_ref", "W2"), ("organisation_ref", "nursery-1")]),
                ],
                ',',
            ),
        );
        let dry = env.import(&[&path], &options(true)).await;
        let real = env.import(&[&path], &options(false)).await;
        for r in [&dry, &real] {
            assert!(r.accepted, "{:?}", r.messages);
            assert_eq!(r.returns.len(), 1);
            assert_eq!(r.returns[0].organisation, "NURSERY-1");
            assert_eq!(r.returns[0].posts, 2);
        }
        assert_eq!(held_posts(&env, "NURSERY-1").await, 2);
    }
}
