"""manage.py search_reindex: rebuild with a text progress bar, for either backend."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from search.management.commands.search_reindex import progress_line
from search.models import SearchEntry
from search.service import get_backend
from tests.search.corpus import build_corpus
from tests.search.helpers import ids, run

pytestmark = pytest.mark.django_db


def test_progress_line():
    assert progress_line("products", 12000, 100000) == (
        "products 12000/100000 [####--------------------------] 12%")
    assert progress_line("notices", 0, 0).endswith("100%")


def test_reindex_everything_with_the_database_backend():
    corpus = build_corpus()
    out = StringIO()
    call_command("search_reindex", stdout=out)
    text = out.getvalue()
    assert "search backend: database" in text
    assert re.search(r"^products 4/4 \[#+\] 100%$", text, re.M)
    assert "products: 4 indexed, 0 errors" in text
    assert "makerspaces: 2 indexed" in text
    assert "campaigns" not in text  # only registered types exist
    assert SearchEntry.objects.count() == 6
    assert corpus.buoy.pk in ids(run(get_backend(), "海洋"))


def test_reindex_one_type_with_elasticsearch(es_settings):
    build_corpus()
    out = StringIO()
    call_command("search_reindex", "--doc-type", "makerspace", stdout=out)
    text = out.getvalue()
    assert "search backend: elasticsearch" in text
    assert "makerspaces 2/2 [" in text and "products" not in text
    assert re.search(r"-> test-\w+-makerspaces-v\d+", text)
    assert get_backend().count("makerspace") == 2


def test_reindex_reports_an_unreachable_backend(es_settings, unused_tcp_port):
    es_settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{unused_tcp_port}"
    with pytest.raises(CommandError, match="unavailable"):
        call_command("search_reindex", "--doc-type", "product", stdout=StringIO())


def test_unknown_doc_type_is_refused():
    with pytest.raises(CommandError):
        call_command("search_reindex", "--doc-type", "unicorn", stdout=StringIO())
