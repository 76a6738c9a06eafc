package dev.suture.patch.module;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A failed kbuild run is reported by the lines of the step that stopped it, never by make's "Error 1" alone. */
class KbuildFailureTest {
    private static final String DIR = "/root/.cache/suture/builds/suture_cmac-6.1.0-57-cloud-amd64-1";
    private static final String HEADERS = "/root/.cache/suture/kernels/6.1.0-57-cloud-amd64/headers/usr/src/linux-headers-6.1.0-57-cloud-amd64";

    /** What 6.1's modpost printed for a patch module calling crypto_cipher_setkey without importing its namespace. */
    private static final String MODPOST = """
            make: Entering directory '%2$s'
              CC [M]  %1$s/suture_glue.o
              COPY    %1$s/suture_unit0.o
              LD [M]  %1$s/suture_cmac.o
              MODPOST %1$s/Module.symvers
            ERROR: modpost: module suture_cmac uses symbol crypto_cipher_setkey from namespace CRYPTO_INTERNAL, but does not import it.
            ERROR: modpost: module suture_cmac uses symbol crypto_cipher_encrypt_one from namespace CRYPTO_INTERNAL, but does not import it.
            make[1]: *** [%2$s/../linux-headers-6.1.0-57-common/scripts/Makefile.modpost:127: %1$s/Module.symvers] Error 1
            make: *** [%2$s/../linux-headers-6.1.0-57-common/Makefile:2017: modpost] Error 2
            make: Leaving directory '%2$s'
            """.formatted(DIR, HEADERS);

    @Test
    void modpostsErrorsAreTheCause() {
        KbuildFailure f = KbuildFailure.of(MODPOST);
        assertThat(f.missingTool()).isNull();
        assertThat(f.causes()).containsExactly(
                "ERROR: modpost: module suture_cmac uses symbol crypto_cipher_setkey from namespace CRYPTO_INTERNAL, but does not import it.",
                "ERROR: modpost: module suture_cmac uses symbol crypto_cipher_encrypt_one from namespace CRYPTO_INTERNAL, but does not import it.");
        assertThat(f.shown(MODPOST)).doesNotContain("Error 1").doesNotContain("Entering directory");
    }

    @Test
    void theLinkersAndTheCompilersLinesAreCausesToo() {
        String ld = """
                  LD [M]  %1$s/suture_fix.o
                ld: %1$s/suture_fix.o: in function `twice':
                %1$s/fix.c:4: multiple definition of `twice'; %1$s/fix.c:4: first defined here
                make[2]: *** [scripts/Makefile.build:250: %1$s/suture_fix.o] Error 1
                """.formatted(DIR);
        assertThat(KbuildFailure.of(ld).causes()).containsExactly("ld: " + DIR + "/suture_fix.o: in function `twice':");
        String gcc = DIR + "/glue.c:3:10: fatal error: suture_imports.h: No such file or directory\n";
        KbuildFailure compiler = KbuildFailure.of(gcc);
        assertThat(compiler.causes()).containsExactly(gcc.strip());
        assertThat(compiler.missingTool()).as("a missing header is the code's, not a tool").isNull();
    }

    @Test
    void aMissingToolIsTheHostsCause() {
        String out = """
                  CC [M]  %s/suture_glue.o
                /bin/sh: 1: gcc-12: not found
                make[2]: *** [scripts/Makefile.build:250: suture_glue.o] Error 127
                """.formatted(DIR);
        assertThat(KbuildFailure.of(out).missingTool()).isEqualTo("/bin/sh: 1: gcc-12: not found");
    }

    @Test
    void outputNamingNothingKnownShowsWhereMakeStopped() {
        String out = "line one\nsomething odd\nmake: *** [Makefile:1: all] Error 2\n";
        KbuildFailure f = KbuildFailure.of(out);
        assertThat(f.named()).isFalse();
        assertThat(f.shown(out)).isEqualTo("line one\nsomething odd\nmake: *** [Makefile:1: all] Error 2");
    }
}
