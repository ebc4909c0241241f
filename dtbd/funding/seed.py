"""The seeded conditions of postgraduate dispatch (docs/domain.md §14.2), one PostgradRule per standards rule set.
Data: the province's managers edit them in the admin; a new decree is a new rule set with its own row."""

ND171 = ("Nghị định 171/2025/NĐ-CP về đào tạo, bồi dưỡng công chức, điều kiện cử công chức đi đào tạo sau đại học "
         "(tuổi khi được cử đi lần đầu, thời gian công tác không kể tập sự, kết quả đánh giá 02 năm liền kề, cam kết "
         "phục vụ ít nhất 03 lần thời gian đào tạo; điều không ghi ở đây)")
ND101 = ("Nghị định 101/2017/NĐ-CP, sửa đổi bởi Nghị định 89/2021/NĐ-CP, điều kiện cử cán bộ, công chức, viên chức đi "
         "đào tạo sau đại học (cam kết phục vụ ít nhất 02 lần thời gian đào tạo; điều không ghi ở đây)")

RULES = {
    # rule set code: (max age, min service years, consecutive good years, commitment multiple, legal basis)
    "ND171_2025": (45, 3, 2, 3, ND171),
    "ND101_2017": (45, 3, 2, 2, ND101),
}


def seed_rules(RuleSet, PostgradRule):
    for code, (max_age, service, good, multiple, basis) in RULES.items():
        rule_set = RuleSet.objects.filter(code=code).first()
        if rule_set is not None:
            PostgradRule.objects.update_or_create(rule_set=rule_set, defaults=dict(
                max_age=max_age, min_service_years=service, good_years=good, commitment_multiple=multiple,
                legal_basis=basis))
