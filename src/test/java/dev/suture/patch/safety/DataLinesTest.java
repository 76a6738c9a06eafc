package dev.suture.patch.safety;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** A changed initializer is reported at its line, not where the variable's name is first mentioned. */
class DataLinesTest {
    private static final String TEXT = """
            /*
             *  modedb.c -- the modedb table
             */
            static const char *mode_option;

            static const struct fb_videomode modedb[] = {
            	{ NULL, 60, 640, 480 },
            	{ NULL, 60, 1920, 1080, 0 },
            };

            static struct tracer mmio_tracer __read_mostly =
            {
            	.name = "mmiotrace",
            };

            extern int modedb_size;
            int modedb_size = ARRAY_SIZE(modedb);

            static int count(const struct fb_videomode *modes)
            {
            	return modedb_size;
            }
            """;

    @Test
    void findsTheDefinitionWithItsInitializer() {
        assertThat(DataLines.find(TEXT, "modedb")).get().isEqualTo(new FunctionLines.Range(6, 9));
        assertThat(DataLines.find(TEXT, "mode_option")).get().isEqualTo(new FunctionLines.Range(4, 4));
        assertThat(DataLines.find(TEXT, "mmio_tracer")).get().isEqualTo(new FunctionLines.Range(11, 14));
        assertThat(DataLines.find(TEXT, "modedb_size")).get().isEqualTo(new FunctionLines.Range(17, 17));
        assertThat(DataLines.find(TEXT, "count")).isEmpty();
        assertThat(DataLines.find(TEXT, "missing")).isEmpty();
    }

    @Test
    void theLineOfAChangedInitializerIsTheChangedLineInIt() {
        SourceChange change = new SourceChange("drivers/video/fbdev/core/modedb.c", TEXT, TEXT.replace("1080, 0 }", "1080 }"),
                new TreeSet<>(List.of(8)), new TreeSet<>(List.of(8)));
        assertThat(SafetyRules.dataLine(change, "modedb")).isEqualTo(8);
        assertThat(SafetyRules.dataLine(change, "mmio_tracer")).isEqualTo(11);
        assertThat(SafetyRules.dataLine(change, "__key.3")).isEqualTo(8);
    }
}
