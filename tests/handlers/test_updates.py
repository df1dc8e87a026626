"""The framework-free side of receiving: getUpdates answers split into stored updates."""

from __future__ import annotations

import json

import pytest

from handlers.updates import FeedGate, take_updates
from tests.fakes.runtime import RecordingRuntime


def attached_gate() -> tuple[RecordingRuntime, FeedGate]:
    runtime, gate = RecordingRuntime(), FeedGate()
    gate.feed = runtime.feed
    return runtime, gate


@pytest.mark.parametrize(
    "answer",
    [
        b"not json",
        b"[1, 2]",
        b'{"ok": false, "error_code": 409, "description": "Conflict"}',
        b'{"ok": true, "result": {"update_id": 1}}',
        b'{"ok": true, "result": [{"update_id": 1}, {"message": {}}]}',
        b'{"ok": true, "result": [{"update_id": "1"}]}',
    ],
)
async def test_an_answer_that_is_not_a_list_of_updates_is_left_to_the_framework(
    answer: bytes,
) -> None:
    runtime, gate = attached_gate()
    assert take_updates(gate, answer) is None
    assert take_updates(gate, answer.decode()) is None
    await gate.settle()
    assert runtime.fed == []


async def test_the_runtime_gets_the_updates_as_received_and_the_framework_their_ids() -> None:
    updates = [
        {"update_id": 7, "message": {"message_id": 1, "text": "é 🙂", "new_field": [1, {}]}},
        {"update_id": 8, "edited_message": {"message_id": 1, "text": "e", "is_x": False}},
    ]
    runtime, gate = attached_gate()
    answer = json.dumps({"ok": True, "result": updates}, ensure_ascii=False)
    kept = take_updates(gate, answer.encode())
    assert kept is not None
    assert json.loads(kept) == {"ok": True, "result": [{"update_id": 7}, {"update_id": 8}]}
    await gate.settle()
    assert runtime.fed == updates  # in order, every field kept (false flags, unknown fields)


async def test_an_empty_answer_submits_nothing() -> None:
    runtime, gate = attached_gate()
    assert json.loads(take_updates(gate, '{"ok": true, "result": []}') or "") == {
        "ok": True,
        "result": [],
    }
    await gate.settle()
    assert runtime.fed == []
