"""Config precedence: defaults < TOML file < environment < flags."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scraper.crawl.config import DEFAULT_SITE, CrawlConfig, build_config
from scraper.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "nora.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = build_config(env={})
    assert config == CrawlConfig()
    assert config.site == DEFAULT_SITE
    assert config.delay == 1.0
    assert config.contact is None
    assert config.api_url == DEFAULT_SITE + "/api.php"


def test_file_overrides_defaults(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'site = "http://127.0.0.1:8089/"\ncontact = "ops@example.org"\ndelay = 0.25\n'
        'data = "/srv/nora"\nnamespaces = [0, "FS"]\nexclude_namespaces = ["Werkruimte"]\n'
        "max_requests = 100\n",
    )
    config = build_config(config_file=path, env={})
    assert config.site == "http://127.0.0.1:8089"  # trailing slash dropped
    assert config.contact == "ops@example.org"
    assert config.delay == 0.25
    assert config.data_dir == Path("/srv/nora")
    assert config.namespaces == (0, "FS")
    assert config.exclude_namespaces == ("Werkruimte",)
    assert config.max_requests == 100
    assert config.sources["delay"] == str(path)


def test_crawl_table_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, "[crawl]\ndelay = 3\n")
    assert build_config(config_file=path, env={}).delay == 3.0


def test_env_overrides_file_and_flags_override_env(tmp_path: Path) -> None:
    path = write(tmp_path, 'contact = "file@example.org"\ndata = "from-file"\ndelay = 2\n')
    env = {"NORA_CONTACT": "env@example.org", "NORA_DATA": "from-env"}
    config = build_config(config_file=path, env=env)
    assert config.contact == "env@example.org"
    assert config.data_dir == Path("from-env")
    assert config.delay == 2.0
    flags: dict[str, object] = {"contact": "flag@example.org", "data_dir": "from-flag", "delay": 0}
    config = build_config(config_file=path, env=env, flags=flags)
    assert (config.contact, config.data_dir, config.delay) == (
        "flag@example.org",
        Path("from-flag"),
        0.0,
    )
    assert config.sources["contact"] == "flag"


def test_unset_flags_do_not_override(tmp_path: Path) -> None:
    path = write(tmp_path, 'delay = 2\nnamespaces = ["FS"]\n')
    config = build_config(config_file=path, env={}, flags={"delay": None, "namespaces": []})
    assert config.delay == 2.0
    assert config.namespaces == ("FS",)


def test_numeric_namespace_strings_become_numbers(tmp_path: Path) -> None:
    config = build_config(env={}, flags={"namespaces": ["100", "FS"]}, config_file=None)
    assert config.namespaces == (100, "FS")


def test_nora_config_env_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "delay = 7\n")
    assert build_config(env={"NORA_CONFIG": str(path)}).delay == 7.0


def test_cwd_nora_toml_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "delay = 4\n")
    monkeypatch.chdir(tmp_path)
    assert build_config(env={}).delay == 4.0


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("delay = -1\n", "delay: expected at least 0"),
        ('delay = "fast"\n', "delay: expected a number"),
        ('site = "ftp://x"\n', "site: expected an http(s) URL"),
        ("max_requests = 0\n", "max_requests: expected a positive integer"),
        ("namespaces = [true]\n", "namespaces: expected a name or number"),
        ("speed = 3\n", "unknown key 'speed'"),
        ("delay = \n", "expected valid TOML"),
    ],
)
def test_bad_file_values_are_usage_errors(tmp_path: Path, text: str, needle: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=re.escape(needle)) as info:
        build_config(config_file=path, env={})
    assert str(path) in str(info.value)


def test_missing_explicit_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="expected a readable TOML config file"):
        build_config(config_file=tmp_path / "absent.toml", env={})


def test_bad_flag_is_an_error() -> None:
    with pytest.raises(ConfigError, match="command line: delay"):
        build_config(env={}, flags={"delay": -5})


def test_nora_crawl_with_bad_config_exits_usage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from commands.cli import main
    from commands.exits import ExitStatus

    bad = write(tmp_path, "delay = -2\n")
    status = main(["crawl", "--config", str(bad), "--data", str(tmp_path), "--no-progress"])
    assert status == ExitStatus.USAGE
    assert "delay: expected at least 0" in capsys.readouterr().err
    assert not (tmp_path / "state.sqlite").exists()  # nothing was done


def test_durations_and_shares() -> None:
    from scraper.crawl.config import parse_duration, parse_share

    assert parse_duration("x", "max_duration", "6h") == 21600.0
    assert parse_duration("x", "max_duration", "90m") == 5400.0
    assert parse_duration("x", "max_duration", "45s") == 45.0
    assert parse_duration("x", "max_duration", 30) == 30.0
    for bad in ("0", "-1h", "soon", "", True, "inf"):
        with pytest.raises(ConfigError, match="expected a duration"):
            parse_duration("x", "max_duration", bad)
    assert parse_share("x", "max_shrink", "10%") == pytest.approx(0.1)
    assert parse_share("x", "max_shrink", 0.25) == 0.25
    for wrong in ("150%", -0.1, "lots"):
        with pytest.raises(ConfigError, match="expected a share"):
            parse_share("x", "max_shrink", wrong)
    config = build_config(flags={"max_duration": "2h", "max_shrink": "5%"}, env={})
    assert config.max_duration == 7200.0 and config.max_shrink == pytest.approx(0.05)
    assert CrawlConfig().max_duration == 6 * 3600.0 and CrawlConfig().max_crawl_delay == 60.0


def test_refresh_days_defaults_to_14_and_takes_whole_nights_only(tmp_path: Path) -> None:
    assert build_config(env={}).refresh_days == 14
    assert build_config(flags={"refresh_days": 0}, env={}).refresh_days == 0
    toml = tmp_path / "nora.toml"
    toml.write_text("refresh_days = 30\n", encoding="utf-8")
    assert build_config(config_file=toml, env={}).refresh_days == 30
    for bad in (-1, 1.5, True, "7"):
        with pytest.raises(ConfigError, match="refresh_days: expected a whole number"):
            build_config(flags={"refresh_days": bad}, env={})
