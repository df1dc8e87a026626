"""Comment spam in the shipped spam playbook: promoting one's own channel or music under a
brand's post is spam once it also asks for views, subscriptions or likes; a customer who
mentions their own video or playlist is not."""

from __future__ import annotations

import pytest

from bot.classify.classifier import Classifier
from bot.domain import InboundMessage

COMMENT_SPAM = [
    "Check out my channel for more videos like this! Subscribe please",
    "I'm a 15 year old singer, please check out my new cover, it would mean the world",
    "Subscribe to me and I'll subscribe back!! sub4sub",
    "Please like this comment so everyone can see my channel",
    "Love this! btw check my channel out, I post covers every week",
    "Follow me on instagram for daily outfit ideas",
    "Allez voir ma nouvelle chaîne, je poste des tutos maquillage chaque semaine !",
    "Suivez-moi sur insta pour plus de looks",
    "Заходите на мой канал, там много интересного!",
]
CUSTOMERS = [
    "The new update deleted all my saved playlists, please fix",
    "I subscribed to your newsletter but never got the discount code",
    "Check the description, the link to the store is there",
    "My video of the broken zipper is attached, what should I do?",
    "Great video, very helpful, thanks!",
    "Can you check my order? It says delivered but nothing arrived",
    "Ma vidéo du colis abîmé est en pièce jointe, que dois-je faire ?",
    "Посмотрите мой заказ, пожалуйста, он не пришёл",
    "Мой канал в телеграме не показывает ваши посты",
]


@pytest.mark.parametrize("text", COMMENT_SPAM)
def test_self_promotion_asking_for_attention_is_spam(classifier: Classifier, text: str) -> None:
    verdict = classifier.classify(InboundMessage(text=text))
    assert verdict.category == "spam", [c.name for c in verdict.checks]
    fired = {c.name for c in verdict.checks if c.category == "spam"}
    assert fired & {"pattern.own_content", "pattern.engagement_bait", "spam.self_promotion"}


@pytest.mark.parametrize("text", CUSTOMERS)
def test_customers_mentioning_their_things_are_not_spam(classifier: Classifier, text: str) -> None:
    verdict = classifier.classify(InboundMessage(text=text))
    assert "spam" not in verdict.labels, [c.name for c in verdict.checks]


def test_own_content_alone_is_one_signal_not_spam(classifier: Classifier) -> None:
    verdict = classifier.classify(
        InboundMessage(text="I made a playlist on my channel with all your songs")
    )
    assert "spam" not in verdict.labels
