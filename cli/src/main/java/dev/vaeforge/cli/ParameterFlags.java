package dev.vaeforge.cli;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shows a library message under the CLI's spelling: the libraries name parameters ("steps must be >= 2,
 * got 1", parameters ["steps"]), the user typed flags, so each listed parameter is rendered as its flag
 * ("--steps must be >= 2, got 1"). A parameter is replaced as a whole word only: "beta" leaves
 * "beta-start", an already written "--beta" and a path such as "runs/beta/config.json" alone.
 */
final class ParameterFlags {
    private ParameterFlags() {
    }

    /** {@code message} with every whole-word occurrence of a parameter in {@code parameters} written as its flag. */
    static String render(String message, List<String> parameters) {
        if (message == null || parameters == null || parameters.isEmpty()) {
            return message;
        }
        // one pass over the message, longest names first, so that no replacement is rescanned
        StringBuilder names = new StringBuilder();
        parameters.stream().filter(p -> p != null && !p.isEmpty()).distinct()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .forEach(p -> names.append(names.length() == 0 ? "" : "|").append(Pattern.quote(p)));
        if (names.length() == 0) {
            return message;
        }
        // a whole word: not part of a longer name, a flag already written, a path or a file name
        Matcher m = Pattern.compile("(?<![\\w\\-./\\\\])(?:" + names + ")(?![\\w\\-/\\\\]|\\.\\w)").matcher(message);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(flag(m.group())));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** "steps" -> "--steps"; a camelCase name is written as picocli flags are: "batchSize" -> "--batch-size". */
    static String flag(String parameter) {
        return "--" + parameter.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
