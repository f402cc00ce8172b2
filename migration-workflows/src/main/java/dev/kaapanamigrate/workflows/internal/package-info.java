/**
 * Implementation details of the workflow code scanner: the Python tokenizer, the rule engine, the file walk, diffs and
 * atomic writes. <strong>Not API and unsupported</strong>: anything here may change in any release without notice.
 * Use the types of {@code dev.kaapanamigrate.workflows} instead.
 */
package dev.kaapanamigrate.workflows.internal;
