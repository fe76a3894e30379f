from bot.nlu.topics import choose, topic_of
from bot.types import Topic


def test_service_intents_map_to_their_topic():
    assert topic_of("mediation_cost") is Topic.MEDIATION
    assert topic_of("legal_aid_apply") is Topic.LEGAL_AID
    assert topic_of("admin_review_deadline") is Topic.ADMIN_REVIEW
    assert topic_of("greet") is Topic.OTHER
    assert topic_of("nlu_fallback") is Topic.OTHER


def test_topic_is_chosen_by_summed_mass_not_single_best_intent():
    ranking = [
        ("out_of_scope", 0.30),
        ("legal_aid_apply", 0.25),
        ("legal_aid_eligibility", 0.20),
        ("greet", 0.05),
    ]
    topic, mass, intent, confidence = choose(ranking)
    assert topic is Topic.LEGAL_AID
    assert abs(mass - 0.45) < 1e-9
    assert (intent, confidence) == ("legal_aid_apply", 0.25)


def test_fallback_intent_is_ignored_in_the_mass():
    topic, _, intent, _ = choose([("nlu_fallback", 0.9), ("mediation_what", 0.2)])
    assert (topic, intent) == (Topic.MEDIATION, "mediation_what")


def test_empty_ranking_is_other():
    assert choose([])[0] is Topic.OTHER


def test_a_named_service_tips_a_close_call():
    ranking = [("mediation_time", 0.40), ("admin_review_deadline", 0.30), ("greet", 0.1)]
    assert choose(ranking)[0] is Topic.MEDIATION
    assert choose(ranking, named=Topic.ADMIN_REVIEW)[:3:2] == (
        Topic.ADMIN_REVIEW,
        "admin_review_deadline",
    )


def test_a_named_service_does_not_override_a_confident_model():
    ranking = [("out_of_scope", 0.95), ("mediation_what", 0.03)]
    assert choose(ranking, named=Topic.MEDIATION)[0] is Topic.OTHER
