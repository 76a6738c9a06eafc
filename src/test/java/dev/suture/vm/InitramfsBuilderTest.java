package dev.suture.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class InitramfsBuilderTest {

    @Test
    void tellsStaticFromDynamicExecutablesByTheirInterpreterHeader() {
        assertThat(InitramfsBuilder.hasInterpreter(elfWithProgramHeaders(1, 3))).isTrue();
        assertThat(InitramfsBuilder.hasInterpreter(elfWithProgramHeaders(1, 1, 4))).isFalse();
    }

    @Test
    void theInstalledBusyboxIsStatic() {
        assertThat(InitramfsBuilder.staticBusybox()).isNotEmpty();
    }

    private static byte[] elfWithProgramHeaders(int... types) {
        int phoff = 64;
        int phentsize = 56;
        ByteBuffer b = ByteBuffer.allocate(phoff + phentsize * types.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
        b.putLong(0x20, phoff);
        b.putShort(0x36, (short) phentsize);
        b.putShort(0x38, (short) types.length);
        for (int i = 0; i < types.length; i++) {
            b.putInt(phoff + i * phentsize, types[i]);
        }
        return b.array();
    }
}
