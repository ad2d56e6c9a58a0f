package dev.vaeforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ParameterFlagsTest {
    @Test
    void aParameterAtTheStartBecomesItsFlag() {
        assertEquals("--steps must be >= 2, got 1", ParameterFlags.render("steps must be >= 2, got 1", List.of("steps")));
    }

    @Test
    void onlyWholeWordsAreReplaced() {
        assertEquals("--beta must be <= beta-start or betas, got 2",
                ParameterFlags.render("beta must be <= beta-start or betas, got 2", List.of("beta")));
        assertEquals("--beta-start must be >= --beta, got 0.5",
                ParameterFlags.render("beta-start must be >= beta, got 0.5", List.of("beta-start", "beta")));
        assertEquals("--beta-start must be >= --beta, got 0.5",
                ParameterFlags.render("beta-start must be >= beta, got 0.5", List.of("beta", "beta-start")));
    }

    @Test
    void theFirstMentionOfEachParameterBecomesItsFlagAndLaterOnesStayProse() {
        assertEquals("give --from or --to, not both; from was a.png",
                ParameterFlags.render("give from or to, not both; from was a.png", List.of("from", "to")));
        assertEquals("--model: unknown model family 'gan', expected one of vae",
                ParameterFlags.render("model: unknown model family 'gan', expected one of vae", List.of("model")));
        assertEquals("--attributes applies to --conditioning attributes, not labels",
                ParameterFlags.render("attributes applies to conditioning attributes, not labels",
                        List.of("attributes", "conditioning")));
    }

    @Test
    void aParameterTheMessageDoesNotMentionIsPutInFront() {
        assertEquals("--device: no CUDA provider", ParameterFlags.render("no CUDA provider", List.of("device")));
    }

    @Test
    void pathsAndFileNamesAreLeftAlone() {
        assertEquals("cannot read runs/steps/steps.json for --steps.",
                ParameterFlags.render("cannot read runs/steps/steps.json for steps.", List.of("steps")));
    }

    @Test
    void aFlagAlreadyWrittenIsLeftAlone() {
        assertEquals("--steps must be >= 2", ParameterFlags.render("--steps must be >= 2", List.of("steps")));
    }

    @Test
    void camelCaseNamesAreWrittenAsPicocliFlags() {
        assertEquals("--batch-size must be >= 1, got 0", ParameterFlags.render("batchSize must be >= 1, got 0",
                List.of("batchSize")));
    }

    @Test
    void noParametersLeaveTheMessageAsItIs() {
        assertEquals("steps must be >= 2", ParameterFlags.render("steps must be >= 2", List.of()));
    }

    @Test
    void regexCharactersInTheMessageOrTheNameAreLiteral() {
        assertEquals("--x.y: a (b) [c] $1 \\ steps", ParameterFlags.render("a (b) [c] $1 \\ steps", List.of("x.y")));
        assertEquals("a (b) [c] $1 \\ --steps", ParameterFlags.render("a (b) [c] $1 \\ steps", List.of("steps")));
    }
}
