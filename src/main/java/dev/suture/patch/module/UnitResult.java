package dev.suture.patch.module;

import dev.suture.patch.diff.ObjectDiff;
import java.util.List;

/** One compiled unit of a diff: the object it is linked into, and the decision for each function and object. */
public record UnitResult(String unit, String object, List<ObjectDiff.Decision> decisions) {
}
