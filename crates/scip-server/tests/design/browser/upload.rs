//! upload.js: per-file uploads with progress, the size check before sending, server errors.

use fantoccini::Locator;
use serde_json::json;

use super::lab_session;

#[tokio::test]
async fn each_file_is_checked_sent_and_reported_on_its_own() {
    let (lab, browser) = lab_session().await;
    let dir = tempfile::tempdir().unwrap();
    let small = dir.path().join("berth-notice.txt");
    let refused = dir.path().join("refuse-me.txt");
    let large = dir.path().join("cctv-day.bin");
    std::fs::write(&small, b"Berths 4-7 closed").unwrap();
    std::fs::write(&refused, b"not a picture").unwrap();
    std::fs::write(&large, vec![0u8; 2_000]).unwrap();

    let input = browser.client.find(Locator::Id("files")).await.unwrap();
    // ChromeDriver takes several files as one newline-separated list.
    let list = [&small, &refused, &large]
        .map(|p| p.display().to_string())
        .join("\n");
    input.send_keys(&list).await.unwrap();

    browser
        .wait_for(
            r##"document.querySelectorAll(".upload.is-done, .upload.is-error").length === 3"##,
        )
        .await;
    let rows = browser
        .eval(
            r##"return Array.from(document.querySelectorAll("#uploads .upload")).map((li) => [
                 li.querySelector(".upload__name").textContent, li.classList.contains("is-done") ? "done" : "error",
                 li.querySelector(".upload__status").textContent, li.querySelector(".progress").getAttribute("aria-valuenow")]);"##,
        )
        .await;
    assert_eq!(
        rows,
        json!([
            ["berth-notice.txt", "done", "Uploaded", "100"],
            [
                "refuse-me.txt",
                "error",
                "Only images, video and PDF can be uploaded.",
                "100"
            ],
            [
                "cctv-day.bin",
                "error",
                "Too large: 2 KB; the limit is 1000 B.",
                "100"
            ],
        ])
    );
    let mut received = lab.uploads();
    received.sort();
    assert_eq!(
        received,
        ["berth-notice.txt", "refuse-me.txt"],
        "a file over the limit must not be sent at all"
    );
    browser.close().await;
}

#[tokio::test]
async fn sizes_read_the_way_file_managers_show_them() {
    let (_lab, browser) = lab_session().await;
    let sizes = browser
        .eval("return [0, 1023, 1024, 1536, 10 * 1024 * 1024, 52428800, 2.1 * 1024 ** 3].map(SCIP.upload.formatBytes);")
        .await;
    assert_eq!(
        sizes,
        json!([
            "0 B", "1023 B", "1 KB", "1.5 KB", "10 MB", "50 MB", "2.1 GB"
        ])
    );
    browser.close().await;
}
