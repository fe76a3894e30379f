from bot.nlu.topics import AREAS, best_intent, is_area, masses, topic_of
from bot.types import Topic


def test_service_intents_map_to_their_topic_and_the_rest_to_other():
    assert topic_of("mediation") is Topic.MEDIATION
    assert topic_of("legal_aid") is Topic.LEGAL_AID
    assert topic_of("admin_review") is Topic.ADMIN_REVIEW
    for intent in (*AREAS, "greet", "nlu_fallback", "mediation_apply"):
        assert topic_of(intent) is Topic.OTHER, intent


def test_masses_group_services_areas_and_meta():
    ranking = [
        ("mediation", 0.3),
        ("other_court", 0.25),
        ("other_labour", 0.2),
        ("thanks", 0.15),
        ("nlu_fallback", 0.9),
    ]
    mass = masses(ranking)
    assert mass["mediation"] == 0.3
    assert abs(mass["area"] - 0.45) < 1e-9
    assert mass["meta"] == 0.15
    assert is_area("other_court") and not is_area("thanks")


def test_best_intent_of_a_topic():
    ranking = [("other_court", 0.5), ("thanks", 0.3), ("mediation", 0.2)]
    assert best_intent(ranking, Topic.OTHER) == ("other_court", 0.5)
    assert best_intent(ranking, Topic.MEDIATION) == ("mediation", 0.2)
    assert best_intent(ranking, Topic.LEGAL_AID) == ("legal_aid", 0.0)
    assert best_intent([], Topic.OTHER)[0] == "nlu_fallback"
