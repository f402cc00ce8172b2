package dev.kaapanamigrate.core.internal;

import dev.kaapanamigrate.core.ConfigurationException;
import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.MigrationStep;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Validates a plan's steps and orders them: by platform state first, then by dependencies, ties broken by
 * the order in which they were added, so the same steps always run in the same order.
 */
public final class PlanOrder {

    private PlanOrder() {
    }

    /**
     * Validates and orders steps.
     *
     * @param steps        the steps in the order they were added
     * @param dependencies per step id, the ids of the steps that must be done first (the plan's wiring)
     * @return the steps in run order
     * @throws ConfigurationException with {@link CoreErrorCode#PLAN_INVALID} on invalid ids, duplicates, unknown
     *                                dependencies, dependencies on a later state, or cycles
     */
    public static List<MigrationStep> order(List<MigrationStep> steps, Map<String, List<String>> dependencies) {
        java.util.function.Function<String, List<String>> depsOf = id -> dependencies.getOrDefault(id, List.of());
        Map<String, MigrationStep> byId = new LinkedHashMap<>();
        Map<String, Integer> added = new HashMap<>();
        for (MigrationStep step : steps) {
            String id = step.id();
            if (!Ids.isStableName(id)) {
                throw invalid("Step " + step.getClass().getName() + " has the id '" + id + "'; expected lower-case "
                        + "words separated by '.' or '-', for example \"postgres.rename-data-folders\".");
            }
            if (step.requiredState() == null) {
                throw invalid("Step '" + id + "' returns no requiredState(); return the PlatformState it needs.");
            }
            MigrationStep previous = byId.putIfAbsent(id, step);
            if (previous != null) {
                throw invalid("Two steps have the id '" + id + "' (" + previous.getClass().getName() + " and "
                        + step.getClass().getName() + "); step ids must be unique in a plan.");
            }
            added.put(id, added.size());
        }
        for (String id : dependencies.keySet()) {
            if (!byId.containsKey(id)) {
                throw invalid("The plan names dependencies of a step '" + id + "' that is not in the plan. Steps in the "
                        + "plan: " + byId.keySet() + ".");
            }
        }
        for (MigrationStep step : steps) {
            for (String dep : depsOf.apply(step.id())) {
                MigrationStep target = byId.get(dep);
                if (target == null) {
                    throw invalid("Step '" + step.id() + "' is to run after '" + dep + "', which is not in the plan; add "
                            + "that step to the plan or leave it out of .step(step, after...) (give what it would produce "
                            + "with .contextValue(...)). Steps in the plan: " + byId.keySet() + ".");
                }
                if (target.requiredState().compareTo(step.requiredState()) > 0) {
                    throw invalid("Step '" + step.id() + "' (state " + step.requiredState() + ") depends on '" + dep
                            + "' (state " + target.requiredState() + "), which can only run later; a step may depend only "
                            + "on steps of its own or an earlier platform state.");
                }
            }
        }
        Map<String, Integer> missing = new HashMap<>();
        Map<String, List<String>> dependents = new HashMap<>();
        for (MigrationStep step : steps) {
            missing.put(step.id(), (int) depsOf.apply(step.id()).stream().distinct().count());
            for (String dep : depsOf.apply(step.id()).stream().distinct().toList()) {
                dependents.computeIfAbsent(dep, k -> new ArrayList<>()).add(step.id());
            }
        }
        PriorityQueue<MigrationStep> ready = new PriorityQueue<>(Comparator
                .comparing(MigrationStep::requiredState)
                .thenComparing(s -> added.get(s.id())));
        steps.stream().filter(s -> missing.get(s.id()) == 0).forEach(ready::add);
        List<MigrationStep> ordered = new ArrayList<>(steps.size());
        while (!ready.isEmpty()) {
            MigrationStep next = ready.poll();
            ordered.add(next);
            for (String dependent : dependents.getOrDefault(next.id(), List.of())) {
                if (missing.merge(dependent, -1, Integer::sum) == 0) {
                    ready.add(byId.get(dependent));
                }
            }
        }
        if (ordered.size() < steps.size()) {
            throw invalid("The step dependencies form a cycle (each step depends on the next): "
                    + String.join(" -> ", findCycle(byId, depsOf))
                    + "; remove one of these dependencies.");
        }
        return List.copyOf(ordered);
    }

    private static List<String> findCycle(Map<String, MigrationStep> byId,
                                          java.util.function.Function<String, List<String>> depsOf) {
        Map<String, Integer> color = new HashMap<>(); // 1 = on the path, 2 = done
        for (String start : byId.keySet()) {
            List<String> path = new ArrayList<>();
            List<String> cycle = visit(start, depsOf, color, path);
            if (cycle != null) {
                return cycle;
            }
        }
        return List.of("(unknown)");
    }

    private static List<String> visit(String id, java.util.function.Function<String, List<String>> depsOf,
                                      Map<String, Integer> color, List<String> path) {
        Integer c = color.get(id);
        if (c != null && c == 2) {
            return null;
        }
        if (c != null && c == 1) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(id), path.size()));
            cycle.add(id);
            return cycle;
        }
        color.put(id, 1);
        path.add(id);
        for (String dep : depsOf.apply(id)) {
            List<String> cycle = visit(dep, depsOf, color, path);
            if (cycle != null) {
                return cycle;
            }
        }
        path.remove(path.size() - 1);
        color.put(id, 2);
        return null;
    }

    private static ConfigurationException invalid(String message) {
        return new ConfigurationException(CoreErrorCode.PLAN_INVALID, message, null);
    }
}
