//! Benchmarks (`cargo bench`): whole-process start-up of `lockstep due` against `remind -q`
//! (interleaved runs, medians, ratios), a single `check` and the TUI's first frame in a
//! pseudo-terminal on a large state (20 accounts x 10 years of reviews, 100,000 history events);
//! then in-process TUI redraws and the state's load/save cost and peak memory.
//! Each figure (the median of several runs) is printed with its target and the ratio figure/target (< 1.00 meets the target).
#![allow(clippy::too_many_lines)] // test and bench flows read top to bottom

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate, TimeZone, Utc};
use lockstep::checklist::{BUNDLED, Checklist, SectionKind, parse};
use lockstep::ids::StepId;
use lockstep::state::{Account, Event, EventKind, State};
use lockstep::store::{self, Paths, Store};
use lockstep::tui::app::{Action, App};
use lockstep::tui::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const ACCOUNTS: usize = 20;
const EVENTS: usize = 100_000;
/// The largest history measured: a million events (about 130 MB of log).
const HUGE_EVENTS: usize = 1_000_000;
const YEARS: u32 = 10;

fn checklist() -> Checklist {
    parse("crypto-com.json", BUNDLED[0].1).unwrap()
}

/// 20 accounts, each with 10 years of monthly and quarterly reviews, all setup steps done, and
/// `events` history events in total.
fn big_state(cl: &Checklist, events: usize) -> State {
    let mut state = State::default();
    // Ten years up to today, every review kept up (the next ones due tomorrow): the figures do
    // not change meaning with the calendar. (With every review a week overdue, `due` prints 40
    // lines instead of one: see README's Performance.)
    let today = chrono::Local::now().date_naive();
    let start = today
        .checked_sub_months(chrono::Months::new(12 * YEARS))
        .unwrap()
        + Days::new(1);
    let t0 = Utc.from_utc_datetime(&start.and_hms_opt(9, 0, 0).unwrap());
    for a in 0..ACCOUNTS {
        let mut acct = Account::new("crypto-com", t0);
        acct.set_personas(vec!["holder".into(), "trader".into()], t0);
        for s in cl.sections_of(SectionKind::Setup) {
            for t in &s.steps {
                acct.check(cl, t.id.as_str(), t0).unwrap();
            }
        }
        // Ten years of reviews, recorded as the app records them (the state keeps the latest
        // few completions; every one is an event in the history).
        for s in cl.sections_of(SectionKind::Recurring) {
            let every = s.every_months.unwrap();
            let mut d = start;
            while d < start
                .checked_add_months(chrono::Months::new(12 * YEARS))
                .unwrap()
            {
                let at = Utc.from_utc_datetime(&d.and_hms_opt(9, 0, 0).unwrap());
                acct.complete_review(cl, s.id.as_str(), at, d).unwrap();
                d = lockstep::schedule::add_months(d, every);
            }
        }
        let per = events / ACCOUNTS - acct.new_events.len();
        let steps: Vec<StepId> = cl
            .sections
            .iter()
            .flat_map(|s| s.steps.iter().map(|t| t.id.clone()))
            .collect();
        for i in 0..per {
            let at = t0 + chrono::Duration::minutes((i * 7 + a) as i64);
            let step = steps[i % steps.len()].clone();
            let kind = match i % 4 {
                0 => EventKind::StepDone { step },
                1 => EventKind::ReviewItemDone {
                    section: "monthly".into(),
                    step,
                },
                2 => EventKind::StepNote {
                    step,
                    text: format!("note {i}: moved funds to cold storage"),
                },
                _ => EventKind::ReviewCompleted {
                    section: "quarterly".into(),
                    date: start + Days::new((i % 3650) as u64),
                },
            };
            acct.new_events.push(Event { at, kind });
        }
        state
            .accounts
            .insert(format!("account-{a:02}").into(), acct);
    }
    state
}

/// Median of `runs` timings after one warm-up (the median, not the best: a target must hold on a
/// typical run, not a lucky one).
fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    f();
    let mut v: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed()
        })
        .collect();
    v.sort();
    v[v.len() / 2]
}

fn report(what: &str, got: f64, target: f64, unit: &str) {
    let ratio = got / target;
    let verdict = if ratio <= 1.0 { "ok" } else { "MISSES" };
    println!(
        "{what:<48} {got:>10.3} {unit:<3} target {target:>7} {unit:<3} ratio {ratio:>6.3}  {verdict}"
    );
}

fn vm_hwm_kib() -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Child mode: load the state snapshot (what `due` and `status` read) and print the peak
/// resident memory before and after, and the number of accounts.
fn child_load(dir: &Path) {
    let before = vm_hwm_kib();
    let p = Paths {
        data_dir: dir.to_path_buf(),
        config_dir: None,
    };
    let loaded = store::load(&p).unwrap();
    println!("{before} {} {}", vm_hwm_kib(), loaded.state.accounts.len());
}

/// Child mode: run a command and print its peak resident memory (KiB), from the kernel's
/// accounting of this process's children (only that one).
fn child_rss(cmd: &[String]) {
    let st = Command::new(&cmd[0])
        .args(&cmd[1..])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(st.code().is_some_and(|c| c <= 1), "{cmd:?}: {st}");
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes into the struct it is given.
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru) };
    println!("{}", ru.ru_maxrss);
}

/// Wall time of one run of a command (output discarded).
fn run_once(cmd: &mut Command) -> Duration {
    let t = Instant::now();
    let st = cmd
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("spawn");
    let d = t.elapsed();
    assert!(st.code().is_some_and(|c| c <= 1), "{cmd:?} failed: {st}");
    d
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// A data dir holding the large state (snapshot + history of `events` events), written through
/// the store as it is in use: one change per save, a hundred events at a time.
fn write_big(dir: &Path, cl: &Checklist, events: usize) {
    let mut state = big_state(cl, events);
    let p = Paths {
        data_dir: dir.to_path_buf(),
        config_dir: None,
    };
    let mut pending: Vec<(String, Event)> = Vec::new();
    for (name, a) in state.accounts.iter_mut() {
        pending.extend(a.new_events.drain(..).map(|e| (name.to_string(), e)));
    }
    pending.sort_by_key(|(_, e)| e.at);
    let (mut st, _) = Store::open(&p, Duration::ZERO).unwrap();
    st.save(&mut state).unwrap();
    for batch in pending.chunks(100) {
        for (name, e) in batch {
            state
                .accounts
                .get_mut(name)
                .unwrap()
                .new_events
                .push(e.clone());
        }
        st.save(&mut state).unwrap();
    }
}

/// Time from spawning the TUI in a pseudo-terminal until its first frame (the dashboard) is on
/// screen.
fn tui_first_frame(bin: &str, data: &Path) -> Duration {
    use expectrl::Session;
    let mut cmd = std::process::Command::new(bin);
    cmd.arg("--data-dir")
        .arg(data)
        .arg("--account")
        .arg("account-00")
        .env("TERM", "xterm-256color");
    let t = Instant::now();
    let mut pty = Session::spawn(cmd).expect("pty");
    let mut parser = vt100::Parser::default();
    let mut buf = [0u8; 8192];
    loop {
        if let Ok(n) = pty.try_read(&mut buf)
            && n > 0
        {
            parser.process(&buf[..n]);
            if parser.screen().contents().contains("Next up") {
                break;
            }
        }
        assert!(t.elapsed() < Duration::from_secs(10), "no first frame");
        std::thread::sleep(Duration::from_micros(200));
    }
    let d = t.elapsed();
    let _ = std::io::Write::write_all(&mut pty, b"q");
    let _ = pty
        .get_process_mut()
        .kill(expectrl::process::unix::Signal::SIGKILL);
    d
}

/// Whole-process figures, each the median of interleaved runs.
fn process_figures(cl: &Checklist, runs: usize) {
    let bin = env!("CARGO_BIN_EXE_lockstep");
    let remind = ["/usr/bin/remind", "/usr/local/bin/remind"]
        .into_iter()
        .find(|p| Path::new(p).exists());
    let tmp = std::env::temp_dir().join(format!("lockstep-proc-{}", std::process::id()));
    let empty = tmp.join("empty");
    let big = tmp.join("big");
    std::fs::create_dir_all(&tmp).unwrap();
    // The smallest real state: one account, one step done (no review due yet).
    run_once(
        Command::new(bin)
            .arg("--data-dir")
            .arg(&empty)
            .args(["check", "totp-2fa"]),
    );
    write_big(&big, cl, EVENTS);
    let huge = tmp.join("huge");
    write_big(&huge, cl, HUGE_EVENTS);
    let rem = tmp.join("r.rem");
    std::fs::write(&rem, "REM 2026-11-25 MSG Monthly security review\n").unwrap();
    let due = |dir: &Path| {
        let mut c = Command::new(bin);
        c.arg("--data-dir").arg(dir).arg("due");
        c
    };
    // What a shell runs at `lockstep check <Tab>` (bash's variables, as its script sets them).
    let complete = |dir: &Path| {
        let mut c = Command::new(bin);
        c.env("COMPLETE", "bash")
            .env("_CLAP_COMPLETE_INDEX", "4")
            .env("_CLAP_COMPLETE_COMP_TYPE", "9")
            .env("_CLAP_COMPLETE_SPACE", "false")
            .args(["--", "lockstep", "--data-dir"])
            .arg(dir)
            .args(["check", ""]);
        c
    };
    let mut t_empty = Vec::new();
    let mut t_big = Vec::new();
    let mut t_huge = Vec::new();
    let mut t_remind = Vec::new();
    let mut t_complete = Vec::new();
    for _ in 0..20 {
        run_once(&mut due(&empty));
        run_once(&mut due(&big));
        run_once(&mut due(&huge));
    }
    for _ in 0..runs {
        t_empty.push(run_once(&mut due(&empty)));
        if let Some(r) = remind {
            t_remind.push(run_once(Command::new(r).arg("-q").arg(&rem)));
        }
        t_big.push(run_once(&mut due(&big)));
        t_huge.push(run_once(&mut due(&huge)));
        t_complete.push(run_once(&mut complete(&empty)));
    }
    let (e, b, h) = (median(t_empty), median(t_big), median(t_huge));
    let c = median(t_complete);
    println!(
        "process: completion of `lockstep check <Tab>`, smallest state {:.3} ms",
        c.as_secs_f64() * 1e3
    );
    report(
        "process: completion (check <Tab>) / due, smallest state",
        c.as_secs_f64() / e.as_secs_f64(),
        1.5,
        "x",
    );
    println!(
        "process: lockstep due, median of {runs} runs interleaved with remind -q: empty state \
         {:.3} ms, large state {:.3} ms, 1M events {:.3} ms",
        e.as_secs_f64() * 1e3,
        b.as_secs_f64() * 1e3,
        h.as_secs_f64() * 1e3
    );
    if remind.is_some() {
        let r = median(t_remind);
        println!("process: remind -q {:.3} ms", r.as_secs_f64() * 1e3);
        report(
            "process: due (empty state) / remind -q",
            e.as_secs_f64() / r.as_secs_f64(),
            1.05,
            "x",
        );
        report(
            "process: due (large state) / remind -q",
            b.as_secs_f64() / r.as_secs_f64(),
            1.25,
            "x",
        );
        report(
            "process: due (1M events) / remind -q",
            h.as_secs_f64() / r.as_secs_f64(),
            1.25,
            "x",
        );
    } else {
        println!("process: remind not installed (scripts/bench.sh installs it): no ratios");
    }
    let steps: Vec<StepId> = cl
        .sections_of(SectionKind::Setup)
        .flat_map(|s| s.steps.iter().map(|t| t.id.clone()))
        .collect();
    for (name, dir) in [("large state", &big), ("1M events", &huge)] {
        let mut t_check = Vec::new();
        for i in 0..100 {
            let verb = if i % 2 == 0 { "uncheck" } else { "check" };
            t_check.push(run_once(Command::new(bin).arg("--data-dir").arg(dir).args(
                [
                    "--account",
                    "account-00",
                    verb,
                    steps[(i / 2) % steps.len()].as_str(),
                ],
            )));
        }
        report(
            &format!("process: one check, {name}"),
            median(t_check).as_secs_f64() * 1e3,
            5.0,
            "ms",
        );
    }
    // Peak memory of each command does not grow with the history.
    let exe: PathBuf = std::env::current_exe().unwrap();
    for args in [
        &["due"][..],
        &["status"],
        &["check", "totp-2fa"],
        &["history", "--json"],
    ] {
        let rss = |dir: &Path| -> f64 {
            // The large states have 20 accounts: name one (the smallest has only "default").
            let account: &[&str] = if dir == empty.as_path() {
                &[]
            } else {
                &["--account", "account-00"]
            };
            let out = Command::new(&exe)
                .arg("--child-rss")
                .arg(bin)
                .arg("--data-dir")
                .arg(dir)
                .args(account)
                .args(args)
                .output()
                .unwrap();
            String::from_utf8_lossy(&out.stdout)
                .trim()
                .parse::<f64>()
                .unwrap_or(0.0)
                / 1024.0
        };
        let (small, large, million) = (rss(&empty), rss(&big), rss(&huge));
        println!(
            "process: peak memory of `lockstep {}`: smallest {small:.1} MB, 100k events \
             {large:.1} MB, 1M events {million:.1} MB",
            args.join(" ")
        );
        // Independent of the history's length: 1M events against 100k (the same 20 accounts).
        report(
            &format!("process: memory 1M / 100k events, {}", args.join(" ")),
            million / large.max(0.1),
            1.2,
            "x",
        );
    }
    // The daily-reminder question, once answered, does not cover the first frame.
    std::fs::write(big.join("reminders-offer"), "no\n").unwrap();
    let frames: Vec<Duration> = (0..30).map(|_| tui_first_frame(bin, &big)).collect();
    report(
        "process: TUI first frame in a pty, large state",
        median(frames).as_secs_f64() * 1e3,
        20.0,
        "ms",
    );
    let _ = std::fs::remove_dir_all(&tmp);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--write-big") {
        // For profiling by hand: `cargo bench --bench bench -- --write-big DIR`.
        let events = args
            .get(i + 2)
            .and_then(|n| n.parse().ok())
            .unwrap_or(EVENTS);
        write_big(Path::new(&args[i + 1]), &checklist(), events);
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--child-rss") {
        child_rss(&args[i + 1..]);
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--child-load") {
        child_load(Path::new(&args[i + 1]));
        return;
    }
    let filter = args.iter().skip(1).find(|a| !a.starts_with('-')).cloned();
    let want = |name: &str| filter.as_deref().is_none_or(|f| name.contains(f));
    println!("lockstep benchmarks (median of N runs; ratio = figure / target)");

    let cl = checklist();
    if want("process") {
        let runs = std::env::var("LOCKSTEP_BENCH_RUNS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(300);
        process_figures(&cl, runs);
    }
    let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();

    if want("tui") {
        let mut state = State::default();
        let mut a = Account::new("crypto-com", now);
        a.set_personas(vec!["trader".into()], now);
        a.check(&cl, "totp-2fa", now).unwrap();
        state.accounts.insert("default".into(), a);
        let first = time(50, || {
            let app = App::new(cl.clone(), state.clone(), "default", now, today);
            let mut t = Terminal::new(TestBackend::new(200, 60)).unwrap();
            t.draw(|f| {
                ui::render(&app, f);
            })
            .unwrap();
        });
        report(
            "tui: first frame at 200x60 (App::new + draw)",
            first.as_secs_f64() * 1e3,
            1.0,
            "ms",
        );
        let mut app = App::new(cl.clone(), state.clone(), "default", now, today);
        let mut t = Terminal::new(TestBackend::new(200, 60)).unwrap();
        let dash = time(200, || {
            t.draw(|f| {
                ui::render(&app, f);
            })
            .map(|_| ())
            .unwrap()
        });
        report(
            "tui: full redraw, dashboard 200x60",
            dash.as_secs_f64() * 1e3,
            1.0,
            "ms",
        );
        app.update(Action::Open);
        let walk = time(200, || {
            t.draw(|f| {
                ui::render(&app, f);
            })
            .map(|_| ())
            .unwrap()
        });
        report(
            "tui: full redraw, walkthrough 200x60",
            walk.as_secs_f64() * 1e3,
            1.0,
            "ms",
        );
        app.update(Action::Compromised);
        app.update(Action::StartIncident);
        let em = time(200, || {
            t.draw(|f| {
                ui::render(&app, f);
            })
            .map(|_| ())
            .unwrap()
        });
        report(
            "tui: full redraw, emergency 200x60",
            em.as_secs_f64() * 1e3,
            1.0,
            "ms",
        );
    }

    if want("state") {
        let events = EVENTS;
        let tmp = std::env::temp_dir().join(format!("lockstep-bench-{}", std::process::id()));
        let p = Paths {
            data_dir: tmp.clone(),
            config_dir: None,
        };
        write_big(&tmp, &cl, EVENTS);
        let (mut st, loaded) = Store::open(&p, Duration::ZERO).unwrap();
        let mut state = loaded.state;
        let reviews: usize = state
            .accounts
            .values()
            .flat_map(|a| a.reviews.values())
            .map(|r| r.completions.len())
            .sum();
        let size = std::fs::metadata(p.state_file()).unwrap().len();
        let hsize = std::fs::metadata(p.history_file()).unwrap().len();
        println!(
            "state: {ACCOUNTS} accounts, {reviews} review completions, {events} events: snapshot \
             {:.1} kB, history {:.1} MB",
            size as f64 / 1e3,
            hsize as f64 / 1e6
        );
        let load = time(51, || store::load(&p).unwrap());
        report(
            "state: load the snapshot (what due/status read)",
            load.as_secs_f64() * 1e3,
            2.0,
            "ms",
        );
        let mut n = 0usize;
        let steps: Vec<StepId> = cl
            .sections_of(SectionKind::Setup)
            .flat_map(|s| s.steps.iter().map(|t| t.id.clone()))
            .collect();
        let save = time(51, || {
            n += 1;
            let a = state.accounts.get_mut("account-00").unwrap();
            let step = &steps[n % steps.len()];
            if a.status(step.as_str()).is_done() {
                a.uncheck(&cl, step.as_str(), now).unwrap();
            } else {
                a.check(&cl, step.as_str(), now).unwrap();
            }
            st.save(&mut state).unwrap()
        });
        report(
            "state: save one change (append + snapshot + fsyncs)",
            save.as_secs_f64() * 1e3,
            5.0,
            "ms",
        );
        let hist = time(5, || store::read_history(&p).unwrap());
        report(
            "state: read the whole history (history screen)",
            hist.as_secs_f64() * 1e3,
            500.0,
            "ms",
        );
        drop(st);
        let exe: PathBuf = std::env::current_exe().unwrap();
        let out = Command::new(exe)
            .arg("--child-load")
            .arg(&tmp)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let nums: Vec<u64> = text
            .split_whitespace()
            .filter_map(|n| n.parse().ok())
            .collect();
        if let [before, after, n] = nums[..] {
            assert_eq!(n as usize, ACCOUNTS);
            report(
                "state: peak memory of a process loading it",
                after as f64 / 1024.0,
                10.0,
                "MB",
            );
            println!(
                "       (process baseline before loading: {:.1} MB)",
                before as f64 / 1024.0
            );
        } else {
            println!("state: peak memory: could not measure ({text})");
        }
        let _ = std::fs::remove_dir_all(&tmp);
    }
}
