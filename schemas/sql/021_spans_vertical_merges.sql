-- Flat memory (issue 15): spans' background merges always take the vertical algorithm. A span row
-- is wide (~35 columns, the GenAI attributes many KB), and a horizontal merge holds every column's
-- read and write buffers of every source part at once: the soak saw one merge of 4-8 spans parts
-- hold 333-380 MB of the engine's tracked memory, and a bench merge of 12 wide parts 688 MB
-- horizontal, 338 MB vertical (one column at a time). ClickHouse chooses vertical only from 131,072
-- rows. A setting of the table: no row is rewritten, parts already written are merged this way.
ALTER TABLE {db}.spans MODIFY SETTING vertical_merge_algorithm_min_rows_to_activate = 1, vertical_merge_algorithm_min_columns_to_activate = 1;
