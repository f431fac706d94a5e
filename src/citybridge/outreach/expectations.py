"""Does a session meet the officials' expectations? Plain Python, no Django.

The rule (documented in the issue's closing note and on the materials page's history entry): a session's
evaluations decide once at least MIN_ANSWERS officials answered the "expectations met" question (1–5); the session
meets expectations when the mean of those answers is at least MIN_MEAN. With fewer answers there is no verdict yet
(an average of one or two answers says little and would identify the officials). Example: answers 4, 3, 5 →
3 answers, mean 12 / 3 = 4.0 ≥ 3.5 → met; answers 3, 3, 4, 3 → mean 13 / 4 = 3.25 < 3.5 → flagged for review."""

from __future__ import annotations

from dataclasses import dataclass

MIN_ANSWERS = 3
MIN_MEAN = 3.5


@dataclass(frozen=True)
class SessionFigures:
    session_id: int
    answers: int  # officials who answered "expectations met"
    total: int  # the sum of those answers


@dataclass(frozen=True)
class Verdict:
    session_id: int
    met: bool
    answers: int
    mean: float

    def comment(self) -> str:
        """The history entry's text, in both languages (it is stored once and read by staff of either language)."""
        mean = f"{self.mean:.2f}"
        if self.met:
            en = f"Evaluations: {self.answers} answers, mean “expectations met” {mean} / 5 (at least {MIN_MEAN})."
            zh = f"评估：{self.answers} 份回答，“达到预期”平均 {mean} / 5（不低于 {MIN_MEAN}）。"
        else:
            en = (
                f"Evaluations: {self.answers} answers, mean “expectations met” {mean} / 5, below {MIN_MEAN}: "
                "review the material."
            )
            zh = f"评估：{self.answers} 份回答，“达到预期”平均 {mean} / 5，低于 {MIN_MEAN}：请复核讲课材料。"
        return f"{en}\n{zh}"


def judge(figures: SessionFigures) -> Verdict | None:
    """None while fewer than MIN_ANSWERS answered; otherwise met when the mean is at least MIN_MEAN."""
    if figures.answers < MIN_ANSWERS:
        return None
    mean = figures.total / figures.answers
    return Verdict(session_id=figures.session_id, met=mean >= MIN_MEAN, answers=figures.answers, mean=mean)
