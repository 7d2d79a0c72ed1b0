-- 0011: issue 11's shipments, refunds and settlements on top of 0010's tables:
-- the triggers that queue their jobs, a record of refused settlement reports,
-- and the daily settlement import in every amazon account's default schedules.
--
-- Who writes what (0010 has the tables):
--   ERP   INSERTs amazon_shipment (erp_picking_id, carrier_code, carrier_name, shipping_method,
--         tracking_number, ship_date, items) and may UPDATE those columns later;
--         INSERTs amazon_adjustment (erp_refund_id, action_type, reason, lines, currency) and may
--         UPDATE those columns of a Failure row to send a corrected refund
--   jobs  status, attempts, message, sent_at, confirmed_at, package_reference_id (shipments);
--         status, net_amount, feed_id, message_id, attempts, message, sent_at, settled_at (refunds);
--         amazon_settlement, amazon_settlement_line, amazon_settlement_refusal

-- ---------------------------------------------------------------------------
-- Shipments. A changed ERP column of a shipment makes it New again (Amazon is
-- told the new data: the saved package_reference_id makes the call an edit);
-- a row that becomes New (inserted, or changed) queues one
-- amazon.confirm_shipment, deduplicated per shipment.
CREATE FUNCTION amazon_shipment_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.carrier_code IS DISTINCT FROM OLD.carrier_code OR NEW.carrier_name IS DISTINCT FROM OLD.carrier_name
       OR NEW.shipping_method IS DISTINCT FROM OLD.shipping_method OR NEW.tracking_number IS DISTINCT FROM OLD.tracking_number
       OR NEW.ship_date IS DISTINCT FROM OLD.ship_date OR NEW.items IS DISTINCT FROM OLD.items THEN
        NEW.status := 'New';
        NEW.message := NULL;
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER amazon_shipment_changed BEFORE UPDATE OF carrier_code, carrier_name, shipping_method, tracking_number,
    ship_date, items ON amazon_shipment FOR EACH ROW EXECUTE FUNCTION amazon_shipment_changed();

CREATE FUNCTION amazon_shipment_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Two statements: an INSERT trigger has no old_rows to name.
    IF TG_OP = 'INSERT' THEN
        PERFORM marketplace_enqueue('amazon.confirm_shipment', jsonb_build_object('shipment_id', s.id),
                                    account_id => o.account_id, name => 'Confirm Amazon shipment',
                                    unique_key => 'amazon.confirm_shipment:' || s.id)
           FROM new_rows s JOIN amazon_order o ON o.id = s.order_id
          WHERE s.status = 'New' ORDER BY s.id;
    ELSE
        PERFORM marketplace_enqueue('amazon.confirm_shipment', jsonb_build_object('shipment_id', s.id),
                                    account_id => o.account_id, name => 'Confirm Amazon shipment',
                                    unique_key => 'amazon.confirm_shipment:' || s.id)
           FROM new_rows s JOIN old_rows x ON x.id = s.id JOIN amazon_order o ON o.id = s.order_id
          WHERE s.status = 'New' AND x.status <> 'New' ORDER BY s.id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER amazon_shipment_enqueue_insert AFTER INSERT ON amazon_shipment
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION amazon_shipment_enqueue();
CREATE TRIGGER amazon_shipment_enqueue_update AFTER UPDATE ON amazon_shipment
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION amazon_shipment_enqueue();

CREATE INDEX amazon_shipment_ship_date ON amazon_shipment (ship_date);

-- ---------------------------------------------------------------------------
-- Refunds. An inserted row queues one amazon.refund, keyed on the ERP's refund
-- id (the column is UNIQUE too, so a refund is never stored twice). Only a
-- Failure row (refused before sending, or by Amazon's report: no money moved)
-- comes back to New when the ERP corrects it; a row that was sent, is being
-- sent or waits for a person never does.
CREATE FUNCTION amazon_adjustment_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'Failure' AND NEW.status = 'Failure'
       AND (NEW.lines IS DISTINCT FROM OLD.lines OR NEW.reason IS DISTINCT FROM OLD.reason
            OR NEW.action_type IS DISTINCT FROM OLD.action_type OR NEW.currency IS DISTINCT FROM OLD.currency) THEN
        NEW.status := 'New';
        NEW.message := NULL;
        NEW.feed_id := NULL;
        NEW.message_id := NULL;
        NEW.net_amount := NULL;
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER amazon_adjustment_changed BEFORE UPDATE OF lines, reason, action_type, currency ON amazon_adjustment
    FOR EACH ROW EXECUTE FUNCTION amazon_adjustment_changed();

CREATE FUNCTION amazon_adjustment_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM marketplace_enqueue('amazon.refund', jsonb_build_object('adjustment_id', a.id),
                                    account_id => o.account_id, name => 'Send Amazon refund',
                                    unique_key => 'amazon.refund:' || a.erp_refund_id)
           FROM new_rows a JOIN amazon_order o ON o.id = a.order_id
          WHERE a.status = 'New' ORDER BY a.id;
    ELSE
        PERFORM marketplace_enqueue('amazon.refund', jsonb_build_object('adjustment_id', a.id),
                                    account_id => o.account_id, name => 'Send Amazon refund',
                                    unique_key => 'amazon.refund:' || a.erp_refund_id)
           FROM new_rows a JOIN old_rows x ON x.id = a.id JOIN amazon_order o ON o.id = a.order_id
          WHERE a.status = 'New' AND x.status <> 'New' ORDER BY a.id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER amazon_adjustment_enqueue_insert AFTER INSERT ON amazon_adjustment
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION amazon_adjustment_enqueue();
CREATE TRIGGER amazon_adjustment_enqueue_update AFTER UPDATE ON amazon_adjustment
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION amazon_adjustment_enqueue();

-- ---------------------------------------------------------------------------
-- Settlement reports the import refused (lines not summing to total-amount, an
-- unreadable file). Amazon never changes a report, so the daily run skips these
-- instead of failing on them every day; a person looks (jobctl amazon settlements)
-- and deletes the row to try again.
CREATE TABLE amazon_settlement_refusal (
    id                  bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    account_id          bigint NOT NULL REFERENCES marketplace_account (id) ON DELETE CASCADE,
    report_id           text NOT NULL,
    report_document_id  text,
    settlement_id       text,
    message             text NOT NULL,
    job_id              bigint,
    refused_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (account_id, report_id)
);

-- ---------------------------------------------------------------------------
-- Default schedule: an amazon account also imports its settlements, daily
-- unless settings.settlements_interval_seconds says otherwise. Accounts that
-- exist already get it now.
INSERT INTO marketplace_default_schedule (marketplace, job_type, setting, fallback_setting, fallback_seconds)
VALUES ('amazon', 'amazon.settlements', 'settlements_interval_seconds', NULL, 86400);
SELECT marketplace_default_schedules_backfill();
