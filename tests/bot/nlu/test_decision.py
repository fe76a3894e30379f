import numpy as np
import pytest

from bot.nlu.decision import CLASSES, FEATURES, Decision, Evidence, by_mass, features, fit
from bot.types import Topic


def test_features_follow_the_declared_order():
    row = features([("mediation", 0.7), ("other_court", 0.3)], "法院出了调解书", Evidence(True))
    assert len(row) == len(FEATURES)
    named = dict(zip(FEATURES, row, strict=True))
    assert named["mass_mediation"] == 0.7
    assert named["mass_area"] == 0.3
    assert named["court"] == 1.0
    assert named["names_mediation"] == 0.0  # 调解书 is no request for 人民调解
    assert named["gov_act"] == 1.0 and named["gov_party"] == 0.0


def test_by_mass_needs_a_service_to_beat_everything_else():
    assert by_mass([("mediation", 0.45), ("other_court", 0.3), ("thanks", 0.25)]) is Topic.OTHER
    assert by_mass([("mediation", 0.6), ("other_court", 0.4)]) is Topic.MEDIATION


def test_fit_learns_a_cue_the_model_misses():
    # The model says mediation, but court texts are `other`: the fitted stage learns the cue.
    rows, labels = [], []
    for i in range(40):
        court = i % 2 == 0
        text = "法院调解书不履行" if court else "邻居漏水"
        rows.append(features([("mediation", 0.8), ("other_court", 0.2)], text))
        labels.append(Topic.OTHER if court else Topic.MEDIATION)
    decision = fit(rows, labels)
    court = decision.probabilities(features([("mediation", 0.8)], "法院的调解书"))
    plain = decision.probabilities(features([("mediation", 0.8)], "楼上漏水"))
    assert max(court, key=lambda t: court[t]) is Topic.OTHER
    assert max(plain, key=lambda t: plain[t]) is Topic.MEDIATION
    assert sum(court.values()) == pytest.approx(1.0)


def test_a_decision_survives_a_round_trip_and_refuses_other_features(tmp_path):
    decision = Decision(
        np.ones((len(FEATURES), len(CLASSES))), np.arange(len(CLASSES), dtype=float)
    )
    path = tmp_path / "d.json"
    decision.to_json(path, {"n": 1})
    again = Decision.from_json(path)
    row = [0.5] * len(FEATURES)
    assert again.probabilities(row) == pytest.approx(decision.probabilities(row))
    path.write_text(path.read_text().replace('"mass_mediation"', '"old"'))
    with pytest.raises(ValueError, match="train again"):
        Decision.from_json(path)
