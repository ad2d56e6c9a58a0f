package dev.vaeforge.runtime;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * The runtime is tested on the classpath it ships with: if DJL or PyTorch ever leaked into it (the
 * enforcer rule guards the build), this fails too.
 */
class NoDjlOnClasspathTest {
    @Test
    void djlAndPytorchAreAbsent() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("ai.djl.Model"));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("ai.djl.pytorch.engine.PtEngine"));
    }
}
