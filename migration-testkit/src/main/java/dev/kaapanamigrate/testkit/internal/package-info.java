/**
 * Implementation details of the testkit. <strong>Not API and unsupported</strong>: anything here may change or
 * disappear in any release without notice, and no other module may use it. Use the public packages of the testkit
 * instead.
 */
package dev.kaapanamigrate.testkit.internal;
