import datetime

import pytest

from dtbd.org.models import Unit
from dtbd.org.queries import default_unit
from dtbd.org.testing import make_unit


@pytest.mark.django_db
def test_paths_and_subtree(tree):
    assert tree.phong_a.path.startswith(tree.so_a.path)
    assert tree.phong_a.depth == 2
    codes = set(Unit.objects.subtree(tree.so_a).values_list("code", flat=True))
    assert codes == {"SO_A", "SO_A.P1"}
    assert set(Unit.objects.subtree(tree.so_a, include_self=False).values_list("code", flat=True)) == {"SO_A.P1"}


@pytest.mark.django_db
def test_subtree_does_not_match_sibling_with_longer_id(tree):
    # '…/000000002/' must not match '…/000000020/': fixed-width segments ending in '/'.
    others = [make_unit(parent=tree.root) for _ in range(25)]
    assert Unit.objects.subtree(tree.so_a).count() == 2
    assert all(not u.path.startswith(tree.so_a.path) for u in others)


@pytest.mark.django_db
def test_moving_a_unit_moves_its_subtree(tree):
    tree.so_a.parent = tree.so_b
    tree.so_a.save()
    tree.phong_a.refresh_from_db()
    assert tree.phong_a.path.startswith(tree.so_b.path)
    assert tree.phong_a.depth == 3
    assert set(Unit.objects.subtree(tree.so_b).values_list("code", flat=True)) == {"SO_B", "SO_B.P1", "SO_A", "SO_A.P1"}


@pytest.mark.django_db
def test_ancestors(tree):
    assert [u.code for u in tree.phong_a.ancestors()] == ["T01", "SO_A"]


@pytest.mark.django_db
def test_a_province_merged_into_another_is_not_a_second_default_root(users, tree):
    """docs/domain.md §15: the root of a province merged into another ends; the province-wide pages open on the one
    root valid today, and with two current roots on none."""
    merged = make_unit("T02", "UBND tỉnh Đã sáp nhập", kind="UBND_TINH", valid_to=datetime.date(2025, 6, 30))
    assert default_unit(users.province) == tree.root
    merged.valid_to = None
    merged.save()
    assert default_unit(users.province) is None
    assert default_unit(users.officer) == tree.so_a
