from django.test import SimpleTestCase

from samverka.lib import memo


class MemoTest(SimpleTestCase):
    def test_outside_a_request_every_question_is_asked_again(self) -> None:
        asked = []
        self.assertFalse(memo.active())
        for _ in range(2):
            memo.remember("k", lambda: asked.append(1) or len(asked))
        self.assertEqual(len(asked), 2)

    def test_inside_a_request_a_question_is_asked_once_until_forgotten(self) -> None:
        asked: list[int] = []

        def ask() -> int:
            asked.append(1)
            return len(asked)

        with memo.scope():
            self.assertEqual(memo.remember("k", ask), 1)
            self.assertEqual(memo.remember("k", ask), 1)
            self.assertEqual(memo.remember("other", ask), 2)
            memo.forget()
            self.assertEqual(memo.remember("k", ask), 3)
        # The next request starts afresh.
        with memo.scope():
            self.assertEqual(memo.remember("k", ask), 4)
        self.assertFalse(memo.active())
