/**
 * The Kaapana 0.4.x → 0.5.x migration plan, composed from the backend modules: start with
 * {@link dev.kaapanamigrate.kaapana.KaapanaMigration#configure(java.nio.file.Path)}.
 */
package dev.kaapanamigrate.kaapana;
