"""Every view is a shareable URL, and back and forward walk through them with their state."""
from __future__ import annotations

from selenium.webdriver.common.keys import Keys


def rows(ui):
    return [r["name"] for r in ui.run_rows()]


def test_back_and_forward_restore_each_view(ui, seed):
    run = seed.by_name("run-07")
    ui.open("#/")
    ui.wait(lambda: len(ui.finds(".exp-table tbody tr")) == 4)
    ui.js("[...document.querySelectorAll('.exp-table a.exp-name')].find((a) => a.textContent === 'vision-sweep').click()")
    ui.wait(lambda: len(ui.run_rows()) == 10)
    box = ui.find("#runs-filter")
    box.send_keys("metrics.acc > 0.6", Keys.ENTER)
    ui.wait(lambda: sorted(rows(ui)) == ["run-06", "run-07", "run-08", "run-09"])
    filtered_url = ui.d.current_url
    ui.js("[...document.querySelectorAll('.vt-row .name a')].find((a) => a.textContent === 'run-07').click()")
    ui.wait(lambda: ui.hash() == f"#/runs/{run['id']}")
    ui.wait(lambda: ui.finds(".tabs a"))
    ui.js("[...document.querySelectorAll('.tabs a')].find((a) => a.textContent.startsWith('Charts')).click()")
    ui.wait(lambda: ui.hash_query().get("tab") == "charts")
    ui.wait_charts_drawn(".chart-card", count=2)
    # back: overview tab, then the filtered table, then the unfiltered one, then the list
    ui.d.back()
    ui.wait(lambda: ui.hash() == f"#/runs/{run['id']}" and ui.finds(".metric-table"), msg="back to the overview tab")
    ui.d.back()
    ui.wait(lambda: ui.d.current_url == filtered_url and sorted(rows(ui)) == ["run-06", "run-07", "run-08", "run-09"], msg="back to the filtered table")
    assert ui.find("#runs-filter").get_attribute("value") == "metrics.acc > 0.6"
    ui.d.back()
    ui.wait(lambda: ui.hash() == f"#/experiments/{seed.exp}" and len(ui.run_rows()) == 10, msg="back to the whole table")
    assert ui.find("#runs-filter").get_attribute("value") == ""
    ui.d.back()
    ui.wait(lambda: ui.hash() in ("", "#/") and ui.finds(".exp-table"), msg="back to the experiments")
    # forward again, all the way to the charts
    ui.d.forward()
    ui.wait(lambda: len(ui.run_rows()) == 10)
    ui.d.forward()
    ui.wait(lambda: sorted(rows(ui)) == ["run-06", "run-07", "run-08", "run-09"], msg="forward to the filtered table")
    ui.d.forward()
    ui.d.forward()
    ui.wait(lambda: ui.hash_query().get("tab") == "charts", msg="forward to the charts tab")
    ui.wait_charts_drawn(".chart-card", count=2)
    # and the URL alone is enough: a fresh page at the same address shows the same thing
    ui.open(filtered_url.split("/", 3)[3])
    ui.wait(lambda: sorted(rows(ui)) == ["run-06", "run-07", "run-08", "run-09"], msg="shared filtered link")


def test_continuous_controls_do_not_flood_history(ui, seed):
    ids = [seed.by_name(n)["id"] for n in ("run-01", "run-02")]
    ui.open(f"#/compare?runs={','.join(ids)}&metric=acc")
    ui.wait_charts_drawn(".chart-card", count=1)
    length = ui.js("return history.length")
    slider = ui.find('input[type=range][aria-label^="Smoothing"]')
    slider.send_keys(*([Keys.ARROW_RIGHT] * 40))
    ui.wait(lambda: ui.hash_query().get("smooth") == "0.4")
    assert ui.js("return history.length") == length  # the slider replaces its URL, it does not push 40 entries
    ui.d.find_element("xpath", "//label[contains(., 'Differences only')]/input").click()
    ui.wait(lambda: ui.hash_query().get("diff") == "1")
    # shared as is: smoothing, metric and the toggle come back from the URL
    ui.open(ui.hash())
    ui.wait(lambda: ui.finds(".smooth-val") and ui.find(".smooth-val").text == "0.40")
    assert ui.d.find_element("xpath", "//label[contains(., 'Differences only')]/input").is_selected()
    assert [e.text for e in ui.finds(".chart-card .card-head h2")] == ["acc"]
