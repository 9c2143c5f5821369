//! A local dry run of the release workflow's packing step: `infra/package-release`, given the
//! `site-gen` the other tests use (`--binary`, so nothing is compiled again), must produce an
//! archive with a matching `.sha256` whose `site-gen` runs `--version` once unpacked, as a product
//! owner would use it. The workflow itself builds with `--profile release`.

use end_to_end::harness::repo_root;
use end_to_end::harness::site::site_gen;
use std::process::Command;

#[test]
fn package_release_makes_a_checked_archive_that_runs() {
    let out = tempfile::tempdir().unwrap();
    let output = Command::new("bash")
        .arg(repo_root().join("infra/package-release"))
        .arg("--binary")
        .arg(site_gen())
        .arg("--out")
        .arg(out.path())
        .current_dir(repo_root())
        .output()
        .expect("bash runs infra/package-release");
    assert!(
        output.status.success(),
        "infra/package-release failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let archive = std::path::PathBuf::from(stdout.lines().last().unwrap_or_default().trim());
    let name = archive.file_name().unwrap().to_string_lossy().into_owned();
    let version = name
        .strip_prefix("site-gen-")
        .and_then(|rest| rest.split('-').next())
        .unwrap_or_default()
        .to_string();
    assert!(
        !version.is_empty() && name.ends_with(".tar.gz"),
        "archive name: {name}"
    );

    // The checksum file verifies the archive, in sha256sum's own format.
    let check = Command::new("sha256sum")
        .args(["-c", &format!("{name}.sha256")])
        .current_dir(out.path())
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );

    let unpacked = tempfile::tempdir().unwrap();
    let tar = Command::new("tar")
        .arg("-xzf")
        .arg(&archive)
        .arg("-C")
        .arg(unpacked.path())
        .status()
        .unwrap();
    assert!(tar.success());
    let folder = unpacked.path().join(name.trim_end_matches(".tar.gz"));
    for file in ["site-gen", "README.md", "INSTALL.txt"] {
        assert!(folder.join(file).is_file(), "{file} is not in the archive");
    }
    let ran = Command::new(folder.join("site-gen"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(ran.status.success());
    assert_eq!(
        String::from_utf8_lossy(&ran.stdout).trim(),
        format!("site-gen {version}")
    );
}
