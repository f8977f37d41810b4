"""Texts that come with their own translations (`Given`), and the operating system's words (`os_problem`)."""

from __future__ import annotations

import copy
import errno
from pathlib import Path

import pytest

from gba_dataflow.core import gazetteer
from gba_dataflow.core.i18n import Given, Phrase, localize, os_problem, tr
from gba_dataflow.core.safe_write import replace_file
from gba_dataflow.core.suggest import did_you_mean


def test_a_given_text_is_its_english_and_says_its_translations() -> None:
    given = Given("Why the data is transferred", {"zh-Hans": "传输数据的原因", "zh-Hant": "傳輸數據的原因"})
    assert given == "Why the data is transferred"
    assert localize(given, "zh-Hans") == "传输数据的原因"
    assert localize(given, "zh-Hant") == "傳輸數據的原因"
    assert localize(given, "en") == "Why the data is transferred"
    assert localize(given, "fr") == "Why the data is transferred"


def test_a_given_text_inside_a_phrase_is_said_in_the_phrase_language() -> None:
    hint = tr("add `{name}`: {description}", name="purpose", description=Given("Why", {"zh-Hans": "原因"}))
    assert hint == "add `purpose`: Why"
    assert localize(hint, "zh-Hans") == "请添加 `purpose`：原因"


def test_a_given_text_is_rebuilt_from_its_reduce_form() -> None:
    given = Given("Shenzhen", {"zh-Hans": "深圳", "zh-Hant": "深圳"})
    again = copy.deepcopy(given)  # runs `__reduce__`, as pickling would, without unpickling bytes
    assert isinstance(again, Given) and again == "Shenzhen"
    assert localize(again, "zh-Hant") == "深圳"


def test_places_are_said_by_their_chinese_names() -> None:
    assert localize(gazetteer.said("Guangzhou"), "zh-Hans") == "广州"
    assert localize(gazetteer.said("Guangzhou"), "zh-Hant") == "廣州"
    assert localize(gazetteer.said("Jiangmen"), "zh-Hant") == "江門"
    # a zone's names go on with longer ones: the first stays in both scripts
    assert localize(gazetteer.said("Qianhai"), "zh-Hant") == "前海"
    assert gazetteer.said("Atlantis") == "Atlantis"


def test_the_systems_common_words_are_translated_and_others_kept() -> None:
    refused = os_problem(PermissionError(errno.EACCES, "Permission denied"))
    assert refused == "Permission denied" and isinstance(refused, Phrase)
    assert localize(refused, "zh-Hant") == "權限不足"
    rare = os_problem(OSError(errno.EXDEV, "Invalid cross-device link"))
    assert rare == "Invalid cross-device link" and not isinstance(rare, Phrase)
    assert os_problem(ValueError("embedded null byte")) == "embedded null byte"


def test_did_you_mean_is_a_phrase() -> None:
    hint = did_you_mean("transfr", ["transfer", "volume"])
    assert hint == "did you mean `transfer`?"
    assert hint is not None and localize(hint, "zh-Hans") == "是否想写 `transfer`？"
    assert did_you_mean("zzz", ["transfer"]) is None


def test_a_directory_refused_as_an_output_file_is_said_in_chinese(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError) as caught, replace_file(str(tmp_path)):
        pass
    assert caught.value.strerror == "it is a directory"
    assert localize(os_problem(caught.value), "zh-Hans") == "这是一个目录"
