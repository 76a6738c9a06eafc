package dev.suture.patch.diff;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** GCC's numbering is dropped for correlation, the kind of clone is kept. */
class NamesTest {
    @Test
    void numberingIsDroppedButTheCloneKindStays() {
        assertThat(Names.correlated("count.12")).isEqualTo("count");
        assertThat(Names.correlated("do_sysinfo.isra.0")).isEqualTo("do_sysinfo.isra");
        assertThat(Names.correlated("f.constprop.3.isra.1")).isEqualTo("f.constprop.isra");
        assertThat(Names.correlated("__func__.7")).isEqualTo("__func__");
        assertThat(Names.correlated("plain")).isEqualTo("plain");
        assertThat(Names.correlated("f.cold")).isEqualTo("f.cold");
    }

    @Test
    void thePreprocessorsCounterIsDroppedFromUniqueIds() {
        // __UNIQUE_ID(prefix) pastes __COUNTER__ to the prefix; GCC may add its own .N to a static local.
        assertThat(Names.correlated("__UNIQUE_ID_ddebug332.18")).isEqualTo("__UNIQUE_ID_ddebug");
        assertThat(Names.correlated("__UNIQUE_ID_license373")).isEqualTo("__UNIQUE_ID_license");
        assertThat(Names.correlated("__UNIQUE_ID___addressable_crc32_le366")).isEqualTo("__UNIQUE_ID___addressable_crc32_le");
        assertThat(Names.correlated("__UNIQUE_ID___addressable___SCK__might_resched2.44"))
                .isEqualTo("__UNIQUE_ID___addressable___SCK__might_resched");
        // Only __UNIQUE_ID_ and BTF ID slot names end in a counter: elsewhere trailing digits are part of the name.
        assertThat(Names.correlated("crc32")).isEqualTo("crc32");
    }

    @Test
    void aBtfIdSlotIsKnownByItsKindAndTypeNotItsCounterAndLine() {
        // BTF_ID(struct, file) pastes __COUNTER__ and __LINE__ after the type's name (bpf_lsm.c's 897166, then 908195).
        assertThat(Names.correlated("__BTF_ID__struct__file__897166")).isEqualTo("__BTF_ID__struct__file__");
        assertThat(Names.correlated("__BTF_ID__struct__file__908195")).isEqualTo("__BTF_ID__struct__file__");
        assertThat(Names.correlated("__BTF_ID__func__ip6_route_input2__44123")).isEqualTo("__BTF_ID__func__ip6_route_input2__");
        assertThat(Names.correlated("__BTF_ID__set__bpf_lsm_hooks")).isEqualTo("__BTF_ID__set__bpf_lsm_hooks");
    }

    @Test
    void coldPartsBelongToTheirFunction() {
        assertThat(Names.isColdPart("cp_old_stat.cold")).isTrue();
        assertThat(Names.owner("cp_old_stat.cold")).isEqualTo("cp_old_stat");
        assertThat(Names.owner("do_x.part.0.cold")).isEqualTo("do_x.part.0");
        assertThat(Names.isColdPart("coldplug")).isFalse();
        assertThat(Names.owner("coldplug")).isEqualTo("coldplug");
    }
}
