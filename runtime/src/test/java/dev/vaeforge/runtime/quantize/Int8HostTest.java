package dev.vaeforge.runtime.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class Int8HostTest {
    @Test
    void avx2OnlyHasNoDotProduct() {
        Int8Host h = Int8Host.parse("processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse2 avx avx2 fma bmi2\n"
                + "processor\t: 1\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse2 avx avx2 fma bmi2\n");
        assertEquals("AMD EPYC", h.cpu());
        assertEquals(Boolean.FALSE, h.dotProduct());
        assertEquals(List.of(), h.found());
    }

    @Test
    void vnniAndAmxAreFound() {
        Int8Host h = Int8Host.parse("model name : Intel(R) Xeon(R) Processor\nflags : avx2 avx512f avx512_vnni avx_vnni amx_int8\n");
        assertEquals(Boolean.TRUE, h.dotProduct());
        assertEquals(List.of("avx512_vnni", "avx_vnni", "amx_int8"), h.found());
    }

    @Test
    void armDotProductIsFound() {
        assertEquals(List.of("asimddp"), Int8Host.parse("processor : 0\nFeatures : fp asimd asimddp crc32\n").found());
        assertEquals(Boolean.FALSE, Int8Host.parse("processor : 0\nFeatures : fp asimd crc32\n").dotProduct());
    }

    @Test
    void unreadableFeaturesAreUnknown() {
        assertNull(Int8Host.parse("").dotProduct());
        assertNull(Int8Host.parse("processor : 0\n").dotProduct());
    }
}
