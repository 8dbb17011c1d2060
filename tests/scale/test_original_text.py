"""No list page reads a transcript's original_text (megabytes each, issue 10 part 1).

The SQL each page runs on the large project is captured; none may name the column.
"""

import pytest

from .pages import ADMIN_CHANGELISTS
from .test_pages import fetch, params

pytestmark = pytest.mark.django_db

LIST_PAGES = ["project list", "project page", "export page"] + [
    f"admin {name}" for name in ADMIN_CHANGELISTS
]
SELECTS_IT_TODAY: dict[str, str] = {}  # all fixed on main (issue 10 part 1)


@pytest.mark.parametrize("name", params(LIST_PAGES, SELECTS_IT_TODAY))
def test_list_page_never_selects_original_text(client, large, admin_user, name):
    response, _, queries = fetch(client, large, admin_user, name)
    assert response.status_code == 200
    reading = [q["sql"][:200] for q in queries if "original_text" in q["sql"]]
    assert not reading, f"{name} reads original_text: {reading}"
