/**
 * Finds, and on request fixes, what Kaapana 0.5 breaks in a site's own DAGs, operators and scripts written for 0.4.
 *
 * <p>{@link dev.kaapanamigrate.workflows.WorkflowScanner} walks the workflow folders ({@code FAST_DATA_DIR/workflows}:
 * {@code dags}, {@code plugins}, {@code mounted_scripts}, and any paths given), tokenizes every Python file so that
 * comments, docstrings and string literals are told apart, and matches the rules
 * ({@link dev.kaapanamigrate.workflows.WorkflowRule}, data: the built-in {@link dev.kaapanamigrate.workflows.WorkflowRules#kaapana05()}
 * and a site's own JSON files). The {@link dev.kaapanamigrate.workflows.ScanReport} lists every
 * {@link dev.kaapanamigrate.workflows.Finding} with file, line, column, rule, {@link dev.kaapanamigrate.workflows.Severity},
 * offending text and replacement, and every file it could not scan ({@link dev.kaapanamigrate.workflows.FileIssue}).
 *
 * <p>{@link dev.kaapanamigrate.workflows.WorkflowRewriter} applies the mechanical rewrites: a dry-run
 * ({@link dev.kaapanamigrate.workflows.RewritePlan} with a unified diff per file) or atomic writes that keep each original
 * beside the file. In a plan: {@link dev.kaapanamigrate.workflows.ScanWorkflowsStep} ({@code workflows.scan}, read-only,
 * while 0.4 runs) and {@link dev.kaapanamigrate.workflows.RewriteWorkflowsStep} ({@code workflows.rewrite}, opt-in, while
 * the platform is undeployed, after the backup).
 */
package dev.kaapanamigrate.workflows;
