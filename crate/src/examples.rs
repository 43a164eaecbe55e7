//! Multi-file examples and fixture expectations, shared by tests, the CLI and the
//! playground.

use crate::source::SourceFile;

/// Splits an example into files on `# file: path` lines. Text without such a line is
/// one file, `example.py`.
pub fn split_files(example: &str) -> Vec<SourceFile> {
    let mut files: Vec<SourceFile> = Vec::new();
    for line in example.split_inclusive('\n') {
        if let Some(path) = line.trim_end().strip_prefix("# file: ") {
            files.push(SourceFile::new(path.trim(), String::new()));
        } else {
            if files.is_empty() {
                files.push(SourceFile::new("example.py", String::new()));
            }
            files.last_mut().expect("pushed above").text.push_str(line);
        }
    }
    if files.is_empty() {
        files.push(SourceFile::new("example.py", String::new()));
    }
    files
}

/// Expected hits written in a fixture as `# expect: ID[, ID...]` comments: (1-based
/// line, rule id), one entry per hit (repeat an id for two hits on one line).
pub fn expectations(text: &str) -> Vec<(usize, String)> {
    let mut expected = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if let Some(pos) = line.find("# expect:") {
            let list = &line[pos + "# expect:".len()..];
            let list = list.split('#').next().unwrap_or("");
            for id in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                expected.push((index + 1, id.to_string()));
            }
        }
    }
    expected.sort();
    expected
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_file_markers() {
        let files = split_files("# file: a/apps.py\nx = 1\n# file: a/signals.py\ny = 2\n");
        assert_eq!(files.len(), 2);
        assert_eq!(files[1].path, "a/signals.py");
        assert_eq!(files[1].text, "y = 2\n");
        assert_eq!(split_files("z = 1\n")[0].path, "example.py");
    }

    #[test]
    fn reads_expectations() {
        let text = "a = 1  # expect: CACHE010, CACHE010\nb = 2\nc = 3  # expect: SIG001 # why\n";
        assert_eq!(
            expectations(text),
            vec![
                (1, "CACHE010".into()),
                (1, "CACHE010".into()),
                (3, "SIG001".into())
            ]
        );
    }
}
