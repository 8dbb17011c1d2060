import pytest

pytestmark = pytest.mark.django_db


def test_board_opens(client, staff_curator, layers, board_url):
    client.force_login(staff_curator)
    response = client.get(board_url)
    assert response.status_code == 200, response.content[:3000]
    print(response.content.decode()[:100])
