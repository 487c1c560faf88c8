//! Starting `scip demo` as a real process and reading the block it prints.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Spawns `command` (a `scip demo` with its flags) with stdout piped and returns the child
/// with the lines of its block: everything up to the third horizontal rule. Each line is
/// echoed with a `demo |` prefix so a failing test shows what the demo said.
pub fn spawn_and_read_block(mut command: Command) -> (Child, Vec<String>) {
    let mut child = command.stdout(Stdio::piped()).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            println!("demo | {line}");
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(90);
    let mut rules = 0;
    while rules < 3 {
        let line = rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("scip demo printed its block within 90 s");
        if line.starts_with('─') {
            rules += 1;
        }
        lines.push(line);
    }
    (child, lines)
}

/// Sends Ctrl-C (SIGINT) to the demo and waits for it to exit, failing after `within`.
pub fn interrupt_and_wait(child: &mut Child, within: Duration) -> std::process::ExitStatus {
    let sent = Instant::now();
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(
            sent.elapsed() < within,
            "scip demo did not stop within {within:?} of Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
